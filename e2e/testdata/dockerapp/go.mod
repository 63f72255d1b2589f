module example.com/dockerapp

go 1.21.13

toolchain go1.23.9
