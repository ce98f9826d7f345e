# Recur — build, test and demo targets. `make test` is what CI runs on a clean clone.
DEB_PACKAGES := ocl-icd-opencl-dev opencl-headers libclblast-dev pocl-opencl-icd libopenblas-dev zlib1g-dev clblast-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SWIFT_TEST_FLAGS ?=

.PHONY: deps build release test demo verify bench gpu clean

# Installs the Debian packages the build and the OpenCL tests need, only when one is missing.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	swift build

release: deps
	swift build -c release

# XCTest only, so the run ends with XCTest's own summary line.
test: deps
	swift test --disable-swift-testing $(SWIFT_TEST_FLAGS)

# The main job on its built-in default: train an LSTM on a generated corpus where only word
# order decides the label, beat the order-blind baseline, write checkpoint/history/plot, reload
# and predict. `make demo IMDB=path/to/aclImdb_v1.tar.gz` trains on IMDB instead.
IMDB ?=
DEMO_FLAGS ?=
demo: release
	.build/release/recur demo $(if $(IMDB),--data $(IMDB)) $(DEMO_FLAGS)

verify: release
	.build/release/recur verify

# Every reference preset on every device (OpenCL and the CPU backend) beside Keras and PyTorch
# timed in the same run (--peers: a framework that is not installed is a line saying so, not a
# failure), tables on the terminal and a JSON report under Benchmarks/results/.
# BENCH_FLAGS=--quick for a few minutes' run, BENCH_FLAGS="--rounds 3" for three pooled rounds.
BENCH_FLAGS ?=
bench: release
	.build/release/recur bench --peers $(BENCH_FLAGS)

# A self-contained binary for a GPU host without Swift (see README: verifying a new GPU host):
# .gpu/ holds the stripped binary, its libraries and run.sh; .gpucarry/recur-gpu.tgz is the
# same, compressed (about 36 MB instead of 117 MB) for copying to the host.
gpu: deps
	swift build -c release --static-swift-stdlib
	../shared/tools/pack-for-gpu .build/release/recur
	strip .gpu/recur
	mkdir -p .gpucarry && tar -czf .gpucarry/recur-gpu.tgz .gpu
	@du -h .gpucarry/recur-gpu.tgz

clean:
	rm -rf .build
