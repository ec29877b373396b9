package main

assessment := {"criteria": [x | x := input.nope[_]]
