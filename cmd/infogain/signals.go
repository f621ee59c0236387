package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/infogain-dev/infogain/impls"
)

// killChildrenOnSignal makes SIGINT and SIGTERM kill every program that
// impls.Command started (their process groups) before infogain exits with
// 128 + the signal's number, so that an interrupted check orphans nothing.
func killChildrenOnSignal() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-ch
		impls.CloseAll()
		code := 130
		if s == syscall.SIGTERM {
			code = 143
		}
		fmt.Fprintf(os.Stderr, "infogain: %v: stopped; every program it started is killed\n", s)
		os.Exit(code)
	}()
}
