package reports

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/infogain-dev/infogain/cases"
)

// Shard is part I of N of a case list (0 ≤ I < N): the cases whose key
// hashes to I (ShardOf). The partition depends only on the keys and N —
// not on the machine, the worker count or the order cases are produced in —
// so N copies of one command, each given its own I, evaluate every case
// exactly once, and the shards are balanced to within the statistical
// spread of a hash (about √(n/N) cases for n cases).
//
// The zero Shard (N = 0) and any Shard with N = 1 are the whole list.
// Shard is shared with every command that splits a case list over machines
// (`infogain report --shard`, and `infogain check --shard` for external
// implementations): they must all use ShardOf, so that one shard index
// means the same cases everywhere.
type Shard struct {
	I, N int
}

// ParseShard parses "I/N" with 0 ≤ I < N (the index is 0-based, like a
// Kubernetes Indexed Job's JOB_COMPLETION_INDEX).
func ParseShard(s string) (Shard, error) {
	is, ns, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Shard{}, fmt.Errorf("shard %q: want I/N, e.g. 0/8 (I from 0 to N−1)", s)
	}
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	if err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("shard %q: I and N must be integers (want I/N, e.g. 0/8)", s)
	}
	sh := Shard{I: i, N: n}
	if n < 1 {
		return Shard{}, fmt.Errorf("shard %q: N must be between 1 and %d", s, MaxShards)
	}
	if err := sh.Validate(); err != nil {
		return Shard{}, err
	}
	return sh, nil
}

// MaxShards bounds N: more shards than this is surely a typo (and would
// leave almost every shard of the largest sweep empty).
const MaxShards = 1 << 20

// Validate checks 0 ≤ I < N ≤ MaxShards (the zero Shard is valid: the whole list).
func (s Shard) Validate() error {
	if s == (Shard{}) {
		return nil
	}
	if s.N < 1 || s.N > MaxShards {
		return fmt.Errorf("shard %d/%d: N must be between 1 and %d", s.I, s.N, MaxShards)
	}
	if s.I < 0 || s.I >= s.N {
		return fmt.Errorf("shard %d/%d: I must be between 0 and N−1 = %d", s.I, s.N, s.N-1)
	}
	return nil
}

// String returns "I/N".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.I, s.N) }

// Whole reports whether s is the whole case list (N ≤ 1).
func (s Shard) Whole() bool { return s.N <= 1 }

// Contains reports whether the case with the given key belongs to s.
func (s Shard) Contains(key string) bool {
	return s.Whole() || ShardOf(key, s.N) == s.I
}

// ShardOf returns the shard, in [0, n), of the case with the given key: the
// FNV-1a 64-bit hash of the key, mixed by the splitmix64 finalizer (so that
// every bit of the hash reaches its low bits), modulo n. It is part of the
// partial-result format: changing it invalidates every partial written.
func ShardOf(key string, n int) int {
	if n <= 1 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	return int(mix64(h.Sum64()) % uint64(n))
}

// CaseKey is the shard key of a case of a sweep: its dtype and id
// ("float32/moderate/0007"). Family case ids repeat across dtypes, so the
// id alone does not name a case of a sweep.
func CaseKey(dt cases.DType, id string) string { return string(dt) + "/" + id }

// mix64 is the splitmix64 finalizer (Steele, Lea and Flood 2014), a
// bijection of uint64 with full avalanche.
func mix64(z uint64) uint64 {
	z ^= z >> 30
	z *= 0xbf58476d1ce4e5b9
	z ^= z >> 27
	z *= 0x94d049bb133111eb
	z ^= z >> 31
	return z
}
