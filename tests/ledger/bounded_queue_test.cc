// BoundedQueue: FIFO order across a producer and a consumer thread, the non-waiting calls, and
// closing from either side.
#include "ledger/domain/bounded_queue.h"

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

using tl::BoundedQueue;

TEST_CASE("a bounded queue hands items over in order between two threads", "[queue]") {
  BoundedQueue<int> queue(/*capacity=*/2);
  std::thread producer([&] {
    for (int i = 0; i < 1000; ++i) queue.Push(i);
    queue.Close();
  });
  std::vector<int> received;
  while (auto item = queue.Pop()) received.push_back(*item);
  producer.join();
  REQUIRE(received.size() == 1000);
  for (int i = 0; i < 1000; ++i) CHECK(received[i] == i);
}

TEST_CASE("the non-waiting calls refuse instead of blocking", "[queue]") {
  BoundedQueue<int> queue(/*capacity=*/2);
  CHECK_FALSE(queue.TryPop().has_value());  // empty
  CHECK(queue.TryPush(1));
  CHECK(queue.TryPush(2));
  CHECK_FALSE(queue.TryPush(3));  // full: dropped
  CHECK(queue.TryPop() == 1);
  CHECK(queue.TryPush(4));
  CHECK(queue.Pop() == 2);
  CHECK(queue.TryPop() == 4);
  queue.Close();
  CHECK_FALSE(queue.TryPush(5));  // closed
  CHECK_FALSE(queue.Pop().has_value());
}
