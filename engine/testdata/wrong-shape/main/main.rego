package main

assessment := {"criteria": [], "verdicts": "all fine"}
