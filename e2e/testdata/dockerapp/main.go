// Command dockerapp is the module the e2e test builds the way the README's Dockerfile does.
package main

import (
	"fmt"
	"runtime"

	"example.com/dockerapp/internal/greet"
)

func main() {
	fmt.Printf("%s (built with %s)\n", greet.Hello("docker"), runtime.Version())
}
