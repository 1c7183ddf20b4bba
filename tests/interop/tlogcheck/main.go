// Command tlogcheck checks ticketledger's transparency log from the outside, with Go's own
// golang.org/x/mod/sumdb/note and sumdb/tlog doing every signature and Merkle check.
//
//	tlogcheck -url https://host:port -token T [-n 20] [-seqs 3,5,8] [-state FILE] [-key VKEY]
//	tlogcheck -dir D [-state FILE] [-key VKEY]
//
// It fetches the verifier key (or takes -key), opens the latest checkpoint with note.Open,
// checks -n random inclusion proofs (and one for each of -seqs) with tlog.CheckRecord (leaf hash = tlog.RecordHash of the
// entry's bytes) and a consistency proof with tlog.CheckTree from an older tree: the checkpoint
// in -state (which is then replaced by the new one), or else size/2, whose root is taken from
// the inclusion proof of its last leaf (every sibling of the last leaf is a left sibling) and
// so is bound to the signed root by CheckTree. With -dir it reads the responses from files:
// key.txt, checkpoint.txt, inclusion-<seq>.json (all present are checked),
// inclusion-<seq>-<size>.json and consistency-<m>-<n>.json. Exit status 0 means all verified.
//
// Build: GOPATH=/usr/share/gocode GO111MODULE=off go build -o tlogcheck main.go
package main

import (
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var (
	url   = flag.String("url", "", "base URL of the ticketledger server")
	token = flag.String("token", "", "bearer token")
	dir   = flag.String("dir", "", "read the responses from this directory instead")
	n     = flag.Int("n", 20, "inclusion proofs to check (HTTP mode)")
	state = flag.String("state", "", "file with the last verified checkpoint; updated on success")
	vkey  = flag.String("key", "", "verifier key to trust instead of the one the server serves")
	extra = flag.String("seqs", "", "comma-separated seqs whose inclusion is checked too (HTTP mode)")
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "tlogcheck: FAIL: "+format+"\n", args...)
	os.Exit(1)
}

// get returns the body of an API path, or of the file that stands for it in -dir mode.
func get(path, file string) []byte {
	if *dir != "" {
		b, err := os.ReadFile(filepath.Join(*dir, file))
		if err != nil {
			fail("%v", err)
		}
		return b
	}
	req, _ := http.NewRequest("GET", strings.TrimRight(*url, "/")+path, nil)
	req.Header.Set("Authorization", "Bearer "+*token)
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		fail("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		fail("GET %s: status %d %v: %s", path, resp.StatusCode, err, b)
	}
	return b
}

type tree struct {
	size int64
	root tlog.Hash
}

// openCheckpoint verifies the note's signature and parses the C2SP checkpoint body.
func openCheckpoint(what string, msg []byte, v note.Verifier) tree {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		fail("%s: %v", what, err)
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) != 4 || lines[3] != "" || lines[0] != v.Name() {
		fail("%s: not <origin>\\n<size>\\n<root>\\n for origin %q: %q", what, v.Name(), n.Text)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		fail("%s: bad tree size %q", what, lines[1])
	}
	root, err := tlog.ParseHash(lines[2])
	if err != nil {
		fail("%s: bad root: %v", what, err)
	}
	return tree{size, root}
}

func hashes(list []string, what string) []tlog.Hash {
	out := make([]tlog.Hash, len(list))
	for i, s := range list {
		h, err := tlog.ParseHash(s)
		if err != nil {
			fail("%s: proof hash %d: %v", what, i, err)
		}
		out[i] = h
	}
	return out
}

// inclusion fetches the proof for seq in the tree of size (latest when size is 0), checks it
// with tlog.CheckRecord against root, or, when root is nil, returns the root it implies for
// the last leaf of the tree.
func inclusion(seq, size int64, root *tlog.Hash) tlog.Hash {
	path, file := fmt.Sprintf("/api/v1/audit/proof/inclusion?seq=%d", seq), fmt.Sprintf("inclusion-%d.json", seq)
	if root == nil {
		path, file = path+fmt.Sprintf("&size=%d", size), fmt.Sprintf("inclusion-%d-%d.json", seq, size)
	}
	what := fmt.Sprintf("inclusion of seq %d in size %d", seq, size)
	var r struct {
		Seq, Size int64
		Entry     string
		Proof     []string
	}
	if err := json.Unmarshal(get(path, file), &r); err != nil || r.Seq != seq || r.Size != size {
		fail("%s: bad response (%v, seq %d, size %d)", what, err, r.Seq, r.Size)
	}
	entry, err := base64.StdEncoding.DecodeString(r.Entry)
	if err != nil {
		fail("%s: entry: %v", what, err)
	}
	leaf, proof := tlog.RecordHash(entry), hashes(r.Proof, what)
	th := leaf
	if root == nil { // the last leaf: every proof hash is a left sibling
		for _, p := range proof {
			th = tlog.NodeHash(p, th)
		}
		root = &th
	}
	if err := tlog.CheckRecord(proof, size, *root, seq-1, leaf); err != nil {
		fail("%s: %v", what, err)
	}
	return *root
}

func main() {
	flag.Parse()
	if (*url == "") == (*dir == "") {
		fmt.Fprintln(os.Stderr, "usage: tlogcheck (-url URL -token T | -dir D) [-n 20] [-state FILE] [-key VKEY]")
		os.Exit(2)
	}
	key := *vkey
	if key == "" {
		key = strings.TrimSpace(string(get("/api/v1/audit/key", "key.txt")))
	}
	v, err := note.NewVerifier(key)
	if err != nil {
		fail("verifier key %q: %v", key, err)
	}
	msg := get("/api/v1/audit/checkpoint", "checkpoint.txt")
	latest := openCheckpoint("checkpoint", msg, v)
	fmt.Printf("checkpoint: %s size %d root %s\n", v.Name(), latest.size, latest.root)

	var seqs []int64
	if *dir != "" {
		names, _ := filepath.Glob(filepath.Join(*dir, "inclusion-*.json"))
		for _, name := range names {
			if m := regexp.MustCompile(`^inclusion-(\d+)\.json$`).FindStringSubmatch(filepath.Base(name)); m != nil {
				seq, _ := strconv.ParseInt(m[1], 10, 64)
				seqs = append(seqs, seq)
			}
		}
		sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
	} else if latest.size > 0 {
		rng := rand.New(rand.NewSource(time.Now().UnixNano()))
		for i := 0; i < *n; i++ {
			seqs = append(seqs, 1+rng.Int63n(latest.size))
		}
	}
	if *extra != "" {
		for _, field := range strings.Split(*extra, ",") {
			seq, err := strconv.ParseInt(strings.TrimSpace(field), 10, 64)
			if err != nil || seq < 1 || seq > latest.size {
				fail("-seqs: %q is not a seq of the tree of size %d", field, latest.size)
			}
			seqs = append(seqs, seq)
		}
	}
	for _, seq := range seqs {
		inclusion(seq, latest.size, &latest.root)
	}
	fmt.Printf("inclusion: %d proofs verified\n", len(seqs))

	old := tree{size: latest.size / 2}
	if *state != "" {
		if b, err := os.ReadFile(*state); err == nil {
			old = openCheckpoint("state "+*state, b, v)
		} else if !os.IsNotExist(err) {
			fail("state: %v", err)
		}
	}
	switch {
	case old.size > latest.size:
		fail("the log shrank: size %d, earlier %d", latest.size, old.size)
	case old.size == latest.size && (*state == "" || old.root == latest.root):
		fmt.Printf("consistency: nothing to prove from size %d\n", old.size)
	case old.size == latest.size:
		fail("two roots for size %d: %s and %s", old.size, old.root, latest.root)
	case old.size > 0:
		if old.root == (tlog.Hash{}) { // no state: size/2's root from its last leaf's proof
			old.root = inclusion(old.size, old.size, nil)
		}
		var r struct {
			From, To int64
			Proof    []string
		}
		path := fmt.Sprintf("/api/v1/audit/proof/consistency?from=%d&to=%d", old.size, latest.size)
		what := fmt.Sprintf("consistency from %d to %d", old.size, latest.size)
		body := get(path, fmt.Sprintf("consistency-%d-%d.json", old.size, latest.size))
		if err := json.Unmarshal(body, &r); err != nil || r.From != old.size || r.To != latest.size {
			fail("%s: bad response (%v)", what, err)
		}
		if err := tlog.CheckTree(hashes(r.Proof, what), latest.size, latest.root, old.size, old.root); err != nil {
			fail("%s: %v", what, err)
		}
		fmt.Printf("consistency: size %d is a prefix of size %d\n", old.size, latest.size)
	default:
		fmt.Println("consistency: no earlier tree to compare")
	}
	if *state != "" {
		if err := os.WriteFile(*state+".tmp", msg, 0o644); err != nil || os.Rename(*state+".tmp", *state) != nil {
			fail("state: cannot write %s", *state)
		}
	}
	fmt.Println("OK")
}
