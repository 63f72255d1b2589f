package main

import "testing"

func TestGreeting(t *testing.T) {
	if got, want := Greeting("e2e"), "hello, e2e"; got != want {
		t.Fatalf("Greeting(%q) = %q, want %q", "e2e", got, want)
	}
}
