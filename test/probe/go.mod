module govstack-blueprint/probe

go 1.26.8
