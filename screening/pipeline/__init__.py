"""The per-case flow: facts -> durable-rules firings -> explained findings -> score -> result."""
