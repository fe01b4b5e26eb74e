"""cxbench: digital CX management benchmark research."""
