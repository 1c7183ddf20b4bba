// REQUIRE_OK / CHECK_OK: a Status or Result that must be OK, its message shown when it is not.
#pragma once

#include <catch2/catch.hpp>

#include "ledger/domain/result.h"

#define TL_PRIVACY_EXPECT_OK(macro, expr)                   \
  do {                                                      \
    const auto& tl_ok_value = (expr);                       \
    INFO(::tl::internal::StatusOf(tl_ok_value).ToString()); \
    macro(::tl::internal::StatusOf(tl_ok_value).ok());      \
  } while (0)
#define REQUIRE_OK(expr) TL_PRIVACY_EXPECT_OK(REQUIRE, expr)
#define CHECK_OK(expr) TL_PRIVACY_EXPECT_OK(CHECK, expr)
