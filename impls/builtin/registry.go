package builtin

import (
	"fmt"
	"sort"
	"strings"

	"github.com/infogain-dev/infogain/impls"
)

// registry lists the project's implementations in report order: the
// reference first, then ours, then the ones under test.
var registry []*impls.Impl

// All returns every registered implementation in a stable order: the
// reference, fused, naive, then the peers.
func All() []*impls.Impl { return append([]*impls.Impl(nil), registry...) }

// Names returns the registered names in the order of All.
func Names() []string {
	names := make([]string, len(registry))
	for i, im := range registry {
		names[i] = im.Name
	}
	return names
}

// Lookup returns the implementation registered under name.
func Lookup(name string) (*impls.Impl, error) {
	for _, im := range registry {
		if im.Name == name {
			return im, nil
		}
	}
	known := Names()
	sort.Strings(known)
	return nil, fmt.Errorf("unknown implementation %q (known: %s)", name, strings.Join(known, ", "))
}
