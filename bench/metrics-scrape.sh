#!/bin/sh
# What one scrape of the metrics endpoint costs StarterHost: CPU per rendering of a typical snapshot (a pool of 4,
# two listeners whose accept queues are read from the kernel, the process_* set from /proc/self), CPU of whole
# scrapes over loopback on the loop thread (accept, read, render, send, close), and the size of the answer.
# Runs in the test assembly (Release), which can reach StarterHost's internals.
# Usage: bench/metrics-scrape.sh [COUNT]   e.g. bench/metrics-scrape.sh 20000
set -eu
cd "$(dirname "$0")/.."
dotnet build -c Release -v q -nologo src/StarterHost.Tests
dotnet src/StarterHost.Tests/bin/Release/net10.0/StarterHost.Tests.dll child scrape-cost "${1:-20000}"
