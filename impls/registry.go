package impls

import (
	"fmt"
	"sort"
	"strings"
)

// registry lists the project's implementations in report order: the
// reference first, then ours, then the ones under test.
var registry []*Impl

// All returns every registered implementation in a stable order: the
// reference, fused, naive, then the peers.
func All() []*Impl { return append([]*Impl(nil), registry...) }

// Names returns the registered names in the order of All.
func Names() []string {
	names := make([]string, len(registry))
	for i, im := range registry {
		names[i] = im.Name
	}
	return names
}

// Lookup returns the implementation registered under name.
func Lookup(name string) (*Impl, error) {
	for _, im := range registry {
		if im.Name == name {
			return im, nil
		}
	}
	known := Names()
	sort.Strings(known)
	return nil, fmt.Errorf("unknown implementation %q (known: %s)", name, strings.Join(known, ", "))
}

// Reference returns the certified reference implementation, or nil if none
// is registered.
func Reference() *Impl {
	for _, im := range registry {
		if im.C64 != nil {
			return im
		}
	}
	return nil
}
