package props

import "github.com/infogain-dev/infogain/impls"

// Failing returns the hook a report's Config.Properties expects: the IDs
// of the properties an implementation fails, run with DefaultSeed (never
// PROPS_SEED, so that a report stays reproducible byte for byte) and tests
// random cases per property (DefaultTests for a full report, ShortTests
// for the gate). It lives here, not in reports, so that reports does not
// depend on the battery; any program can wire the two, as the CLI does.
func Failing(tests int) func(*impls.Impl) ([]string, error) {
	return func(im *impls.Impl) ([]string, error) {
		var failing []string
		for _, r := range Run(im, Seed(DefaultSeed), Tests(tests)) {
			if !r.Passed {
				failing = append(failing, r.ID)
			}
		}
		return failing, nil
	}
}
