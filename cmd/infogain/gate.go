package main

import (
	"fmt"
	"io"
)

// runGate is replaced when the reports package lands.
func runGate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "infogain gate: not built yet")
	return 2
}
