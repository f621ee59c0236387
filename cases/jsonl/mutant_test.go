package jsonl

import "testing"

// Tests that kill survivors of `make mutate` in the codec (docs/mutation.md);
// each names the mutant it was written for.

// TestDecodeStringRuneSelf kills cases/jsonl/scanner.go:146:23
// CONDITIONALS_BOUNDARY (`c < utf8.RuneSelf` → `<=`): byte 0x80, the first
// byte that is not ASCII, alone in a string (invalid UTF-8) would then be
// taken as ASCII and returned raw instead of becoming U+FFFD as
// encoding/json makes it (TestDecodeStrings checks 0xff only).
func TestDecodeStringRuneSelf(t *testing.T) {
	line := "{\"id\":\"a\x80b\",\"dtype\":\"float64\",\"logits\":[1],\"h\":[1],\"label\":0}"
	c, err := ParseCase([]byte(line))
	if err != nil || c.ID != "a\ufffdb" {
		t.Errorf("id %q, %v; want %q (0x80 is not ASCII: invalid UTF-8 becomes U+FFFD)", c.ID, err, "a\ufffdb")
	}
}

// TestDecodeStringUpperHex kills cases/jsonl/scanner.go:154:71
// CONDITIONALS_NEGATION (`c <= 'F'` → `c > 'F'` in isHex) and :154:37
// CONDITIONALS_BOUNDARY (`c <= 'f'` → `c < 'f'`): upper-case hex digits,
// and the digit f, in a \u escape, which JSON allows, would then be
// rejected (TestDecodeStrings uses lower case without f only). Expected:
// U+00C9, U+00CA, U+00FF are "É", "Ê", "ÿ".
func TestDecodeStringUpperHex(t *testing.T) {
	line := `{"id":"\u00C9\u00cA\u00fF","dtype":"float64","logits":[1],"h":[1],"label":0}`
	c, err := ParseCase([]byte(line))
	if err != nil || c.ID != "ÉÊÿ" {
		t.Errorf("id %q, %v; want %q (\\u00C9\\u00cA\\u00fF: hex digits of either case, a–f and A–F)", c.ID, err, "ÉÊÿ")
	}
}
