//go:build goexperiment.jsonv2

package libcompare

import (
	jsonv2 "encoding/json/jsontext"
	stdv2 "encoding/json/v2"

	"github.com/infogain-dev/infogain/cases"
)

// Go 1.26's encoding/json/v2 (GOEXPERIMENT=jsonv2): the same code as
// go-json-experiment/json, measured from the standard library.
func init() {
	candidates = append(candidates, candidate{"encoding-json-v2", parseStdV2, encodeStdV2})
}

type numStdV2 tok

func (t *numStdV2) UnmarshalJSONFrom(d *jsonv2.Decoder) error {
	switch d.PeekKind() {
	case '"':
		tk, err := d.ReadToken()
		if err != nil {
			return err
		}
		s := tk.String()
		if s != "inf" && s != "-inf" && s != "nan" {
			return errSpecial
		}
		*t = numStdV2{s, true}
	case '0':
		v, err := d.ReadValue()
		if err != nil {
			return err
		}
		*t = numStdV2{string(v), false}
	default:
		return errSpecial
	}
	return nil
}

type caseStdV2 struct {
	ID     string      `json:"id"`
	Family string      `json:"family"`
	DType  string      `json:"dtype"`
	Logits *[]numStdV2 `json:"logits"`
	H      *[]numStdV2 `json:"h"`
	Label  *int        `json:"label"`
}

func parseStdV2(line []byte) (cases.Case, error) {
	var v caseStdV2
	if err := stdv2.Unmarshal(line, &v, stdv2.RejectUnknownMembers(true), jsonv2.AllowInvalidUTF8(true)); err != nil {
		return cases.Case{}, err
	}
	w := caseV1{ID: v.ID, Family: v.Family, DType: v.DType, Label: v.Label}
	if v.Logits != nil {
		l := make([]numV1, len(*v.Logits))
		for j, t := range *v.Logits {
			l[j] = numV1(t)
		}
		w.Logits = &l
	}
	if v.H != nil {
		h := make([]numV1, len(*v.H))
		for j, t := range *v.H {
			h[j] = numV1(t)
		}
		w.H = &h
	}
	return w.toCase()
}

func encodeStdV2(c *cases.Case) ([]byte, error) { return stdv2.Marshal(out(c)) }
