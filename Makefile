# Vademecum: `make run` opens the app, `make test` runs every test.
# Both install the Debian/Ubuntu packages they need first (as root or through sudo).

SHELL := /bin/bash
# Builds and tests run in English with UTF-8 (under LANG=C Fyne logs a locale
# error); make run opens the app in the person's own language.
USER_LANG := $(LANG)
export LANG := en_US.UTF-8
export PATH := $(PATH):/usr/local/go/bin:$(HOME)/go/bin

GO      ?= go
BIN     := bin
# Packages the desktop app needs to build (Fyne compiles GLFW's C code) and the
# tests need to run (git for the hub tests, xvfb and imagemagick for screenshots).
BUILD_PKGS := gcc pkg-config libgl1-mesa-dev xorg-dev libxkbcommon-dev
TEST_PKGS  := git poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run build cli app test vet deps deps-test clean screenshots

run: deps app
	LANG=$(or $(USER_LANG),en_US.UTF-8) ./$(BIN)/vademecum

build: app cli

app: deps
	$(GO) build -o $(BIN)/vademecum ./cmd/vademecum

cli:
	CGO_ENABLED=0 $(GO) build -o $(BIN)/vademecum-cli ./cmd/vademecum-cli

# deps installs only what is missing, so a second run does not touch apt at all.
deps:
	@scripts/ensure-packages $(BUILD_PKGS)

deps-test:
	@scripts/ensure-packages $(BUILD_PKGS) $(TEST_PKGS)

vet:
	CGO_ENABLED=0 $(GO) vet -tags ci ./data/... ./export/... ./sync/... ./app/... ./assets/... ./selfcheck/... ./internal/... ./cmd/vademecum-cli/... ./cmd/vademecum/engine/
	# The Windows-only files (locks, Credential Manager, paths) and the wine tests.
	CGO_ENABLED=0 GOOS=windows $(GO) vet ./data/... ./export/... ./sync/... ./selfcheck/... ./internal/... ./cmd/vademecum-cli/...
	CGO_ENABLED=0 $(GO) vet -tags wine ./scripts/windows/winetest/
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi
	@$(GO) mod tidy -diff >/dev/null || { echo "go.mod/go.sum are not tidy: run 'go mod tidy' and commit"; exit 1; }

# The whole suite. data, sync, app and the CLI run without a display or GL
# (Fyne's headless driver through -tags ci); the desktop binary is built to prove it links.
test: deps-test vet
	CGO_ENABLED=0 $(GO) test -tags ci -count=1 -timeout 30m ./data/... ./export/... ./sync/... ./app/... ./assets/... ./selfcheck/... ./internal/... ./cmd/vademecum-cli/... ./cmd/vademecum/engine/
	$(GO) build -o $(BIN)/vademecum ./cmd/vademecum

# Every main screen of the app rendered to PNG by Fyne's software renderer
# (headless, light theme, 1100x720, embedded toolkit and a few practices).
screenshots:
	CGO_ENABLED=0 $(GO) test -tags ci -count=1 ./app -run '^(TestScreenshots|TestScreenshotsInvitation|TestSelfCheckScreenshots|TestNetworkScreenshots)$$' -screenshots=../docs/screenshots

clean:
	rm -rf $(BIN)

# Vademecum against git grep / git add+commit+push on the same machine: builds a
# 1,000- and a 100,000-practice hub, prints the table the README shows (about 10 minutes).
.PHONY: bench
bench: deps-test cli app
	@scripts/ensure-packages xvfb
	$(GO) build -o $(BIN)/vademecum-bench ./cmd/vademecum-bench
	./$(BIN)/vademecum-bench -cli $(BIN)/vademecum-cli -app $(BIN)/vademecum -out docs/benchmarks.md
	CGO_ENABLED=0 $(GO) test -run '^$$' -bench . -benchtime 20x ./data/ ./export/ ./sync/
	CGO_ENABLED=0 $(GO) test -tags ci -run '^$$' -bench Journal -benchtime 3x ./app/

# A Linux package (dist/Vademecum.tar.xz: binary, icon, desktop file, `make install`
# inside) built by Fyne's packager from cmd/vademecum/FyneApp.toml.
FYNE_TOOLS := fyne.io/tools/cmd/fyne@v1.7.4
.PHONY: package
package: deps
	# The packager bumps the build number in FyneApp.toml; the file is kept as committed.
	cp cmd/vademecum/FyneApp.toml $(BIN)/FyneApp.toml.keep 2>/dev/null || (mkdir -p $(BIN) && cp cmd/vademecum/FyneApp.toml $(BIN)/FyneApp.toml.keep)
	cd cmd/vademecum && $(GO) run $(FYNE_TOOLS) package --os linux --release; status=$$?; \
	  mv ../../$(BIN)/FyneApp.toml.keep FyneApp.toml; exit $$status
	mkdir -p dist && mv cmd/vademecum/Vademecum.tar.xz dist/
	@echo "dist/Vademecum.tar.xz: unpack it and run 'sudo make install' inside"

# The reliability invariants of DESIGN.md run long: 5,000 seeds of the model-based
# convergence test (organisations, crashes at every fault point, rebuilds, a
# malicious partner pushing forged, replayed and removed files), the real crash
# test, 60 SIGKILLs of 'vademecum-cli sync' while partners write, and three
# installations syncing through one folder for two minutes while one is killed
# at random, and 50 installations (one, then three laptops per organisation)
# writing and syncing through git http-backend at the same moment, 3 rounds
# (about an hour on 2 cores). SOAK_SEEDS=N for more or fewer seeds.
SOAK_SEEDS ?= 5000
.PHONY: soak
soak: deps-test
	set -o pipefail; VADEMECUM_SEEDS=$(SOAK_SEEDS) CGO_ENABLED=0 $(GO) test -count=1 -timeout 6h -v -run '^TestModelConvergence$$' ./sync/ \
	  | grep -v -e '^=== ' -e '--- PASS: TestModelConvergence/seed='
	VADEMECUM_SOAK=1 CGO_ENABLED=0 $(GO) test -count=1 -timeout 2h -v -run '^TestSyncSurvivesSIGKILL$$' ./cmd/vademecum-cli/
	VADEMECUM_STRESS=2m CGO_ENABLED=0 $(GO) test -count=1 -timeout 30m -v -run '^TestThreeInstallationsStress$$' ./cmd/vademecum-cli/
	set -o pipefail; VADEMECUM_LOAD=50x3 CGO_ENABLED=0 $(GO) test -count=1 -timeout 2h -v -run '^TestManyInstallationsSyncAtOnce$$' ./cmd/vademecum-cli/ \
	  | grep -v -e '^=== '

# Each fuzz target in turn for FUZZTIME (default 10 minutes): the record decoder,
# search queries, the three-way merge, crafted hub trees, downloaded packs and the privacy scanner. New crashers land in
# testdata/fuzz/<Name>/ and then run in 'make test'.
FUZZTIME ?= 10m
.PHONY: fuzz
fuzz:
	CGO_ENABLED=0 $(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./data/
	CGO_ENABLED=0 $(GO) test -run '^$$' -fuzz '^FuzzSearch$$' -fuzztime $(FUZZTIME) ./data/
	CGO_ENABLED=0 $(GO) test -run '^$$' -fuzz '^FuzzMergeRecord$$' -fuzztime $(FUZZTIME) ./sync/
	CGO_ENABLED=0 $(GO) test -run '^$$' -fuzz '^FuzzTreeImport$$' -fuzztime $(FUZZTIME) ./sync/
	CGO_ENABLED=0 $(GO) test -run '^$$' -fuzz '^FuzzReceivePack$$' -fuzztime $(FUZZTIME) ./sync/
	CGO_ENABLED=0 $(GO) test -run '^$$' -fuzz '^FuzzScan$$' -fuzztime $(FUZZTIME) ./data/privacy/

# Windows: dist/vademecum.exe (the app, no console window), dist/vademecum-cli.exe,
# the per-user installer dist/Vademecum-<version>-setup.exe and the same files in
# dist/Vademecum-<version>-windows-amd64.zip, cross-built with mingw and NSIS.
WINDOWS_PKGS := gcc-mingw-w64-x86-64 nsis icoutils imagemagick zip
.PHONY: windows test-windows test-windows-cli release
windows:
	@scripts/ensure-packages $(WINDOWS_PKGS)
	scripts/windows/build dist

# The Windows build under wine64 and Xvfb (about 15 minutes on 2 cores, most of it
# the first mingw build of Fyne): the CLI round trip, syncs through a hub on drive
# E: and through git http-backend, exports, the app's window (screenshot in
# dist/wine-window.png), the installer. test-windows-cli is the part CI runs.
test-windows:
	scripts/windows/test all

test-windows-cli:
	scripts/windows/test cli

# Everything to publish in dist/: the Windows build, the Linux package, the CLI
# for Linux, Windows and macOS on amd64 and arm64, and SHA256SUMS.
release: windows package
	scripts/release dist
