// Command hello prints a greeting and the Go version that compiled it, so the end-to-end
// test can tell which toolchain the shims ran.
package main

import (
	"fmt"
	"os"
	"runtime"
)

// Greeting is what hello prints for name.
func Greeting(name string) string {
	return "hello, " + name
}

func main() {
	name := "gopin"
	if len(os.Args) > 1 {
		name = os.Args[1]
	}
	fmt.Printf("%s (built with %s)\n", Greeting(name), runtime.Version())
}
