# The two commands of the README contract.
.PHONY: test quickstart tools

# Install what the tests need (cached in $OBSKIT_TOOLS_DIR, by default
# ~/.cache/obskit-tools) and run every check, as CI does.
test:
	bash scripts/test.sh

# Run the demo on embedded defaults: no server to start by hand.
quickstart:
	go run ./examples/quickstart

# Only install or build the tools the tests need.
tools:
	bash scripts/install-tools.sh
