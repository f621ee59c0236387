package impls

import (
	"errors"
	"strings"
)

// SplitCommandLine splits a command line into words as a POSIX shell does,
// without running one: blanks separate words; 'single quotes' keep
// everything; "double quotes" keep everything but \" \\ \$ \` (backslash
// escapes); an unquoted backslash escapes the next character. There is no
// expansion of variables, globs or ~, and no operators (| ; & > are
// ordinary characters). An unterminated quote or a final lone backslash is
// an error, as is a line with no word.
func SplitCommandLine(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b == ' ' || b == '\t' || b == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case b == '\\':
			if i+1 >= len(s) {
				return nil, errors.New("command line ends with a lone backslash")
			}
			i++
			cur.WriteByte(s[i])
			inWord = true
		case b == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("unterminated single quote in command line")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case b == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("unterminated double quote in command line")
			}
			inWord = true
		default:
			cur.WriteByte(b)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	if len(words) == 0 {
		return nil, errors.New("empty command line")
	}
	return words, nil
}

// JoinCommandLine is the inverse of SplitCommandLine: each word quoted
// only when it needs to be, so that the result pastes into a shell and
// into --cmd alike.
func JoinCommandLine(argv []string) string {
	parts := make([]string, len(argv))
	for i, w := range argv {
		parts[i] = quoteWord(w)
	}
	return strings.Join(parts, " ")
}

func quoteWord(w string) string {
	if w == "" {
		return "''"
	}
	safe := true
	for i := 0; i < len(w); i++ {
		b := w[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || strings.IndexByte("-_./=:,+@%", b) >= 0) {
			safe = false
			break
		}
	}
	if safe {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}
