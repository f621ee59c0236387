package main

import (
	"fmt"
	"io"
)

// runReport is replaced when the reports package lands.
func runReport(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "infogain report: not built yet")
	return 2
}
