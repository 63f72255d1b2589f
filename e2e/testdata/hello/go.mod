module example.com/hello

go 1.21.13
