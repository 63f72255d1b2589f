// Package greet makes `go build ./...` build more than one package.
package greet

// Hello greets name.
func Hello(name string) string { return "hello, " + name }
