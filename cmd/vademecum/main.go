// Command vademecum is the desktop app: the toolkit and the practices journal,
// offline first. It opens the local store, brings the embedded toolkit up to
// date and shows the window built by package app.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"vademecum/app"
	"vademecum/assets"
	"vademecum/cmd/vademecum/engine"
	"vademecum/data"
)

// appID identifies the app to the desktop (preferences, notifications).
const appID = "eu.vademecum.desktop"

func main() {
	dataFlag := flag.String("data", "", "data directory (default $VADEMECUM_DATA, else %APPDATA%\\Vademecum on Windows, $XDG_DATA_HOME/vademecum or ~/.local/share/vademecum elsewhere)")
	flag.Parse()
	// VADEMECUM_CPUPROFILE=FILE writes a CPU profile of the start, up to the
	// first screen shown, for performance work.
	stopProfile := func() {}
	if f := os.Getenv("VADEMECUM_CPUPROFILE"); f != "" {
		if out, err := os.Create(f); err == nil && pprof.StartCPUProfile(out) == nil {
			stopProfile = func() { pprof.StopCPUProfile(); out.Close() }
		}
	}

	a := fyneapp.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))

	dir := *dataFlag
	if dir == "" {
		dir = data.DefaultDir()
	}
	store, err := openStore(dir)
	if err != nil {
		// A damaged database can be rebuilt from the window; then the app
		// starts again as a new process, on the rebuilt database.
		restarted := false
		restart := func() error {
			exe, err := os.Executable()
			if err != nil {
				return err
			}
			cmd := exec.Command(exe, os.Args[1:]...)
			cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
			if err := cmd.Start(); err != nil {
				return err
			}
			restarted = true
			a.Quit()
			return nil
		}
		app.StartupProblem(a, dir, err, engine.Rebuild, restart).ShowAndRun()
		if restarted {
			os.Exit(0)
		}
		os.Exit(1)
	}
	defer store.Close()

	// The sync engine runs beside the window (the app starts its schedule:
	// right after start, every 15 minutes while a hub answers, backing off
	// while offline). Without it (it could not be opened) the app works on,
	// local only, and says so on the sync screen.
	var eng *engine.Engine
	openEngine := func() (app.Engine, error) {
		e, err := engine.Open(store, 15*time.Minute)
		if err != nil {
			return nil, err
		}
		eng = e
		return e, nil
	}
	opts := app.Options{Store: store, OpenEngine: openEngine}
	if store.Initialised() {
		if e, err := openEngine(); err != nil {
			fmt.Fprintf(os.Stderr, "vademecum: sync is not available: %v\n", err)
		} else {
			opts.Engine = e
		}
	}
	ui := app.New(a, opts)
	ui.Window().SetMaster()
	go func() {
		<-ui.Shown()
		stopProfile()
		if os.Getenv("VADEMECUM_REPORT_SHOWN") != "" {
			// For make bench: a line on standard output once the first screen
			// shows what it is for (it is on screen at the next frame).
			fmt.Println("shown")
		}
	}()
	// Starting decodes the toolkit and the catalogues and loads the fonts: the
	// garbage left keeps the heap about twice what the app holds while it waits
	// for the person (measured: 34 MB live, 68-76 MB kept). Hand it back to the
	// system once the first screen is up.
	time.AfterFunc(10*time.Second, debug.FreeOSMemory)
	ui.Window().ShowAndRun()
	ui.Close()
	if eng != nil {
		eng.Close()
	}
}

// openStore creates the data directory if needed, opens the store and loads
// the toolkit shipped with this build into it.
func openStore(dir string) (*data.Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the data directory %s: %w", dir, err)
	}
	store, err := data.Open(dir)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := assets.Seed(ctx, store); err != nil {
		store.Close()
		return nil, fmt.Errorf("cannot load the toolkit into %s: %w", dir, err)
	}
	if err := store.ApplyNetwork(ctx); err != nil { // the network's accepted entries, over an updated toolkit
		store.Close()
		return nil, fmt.Errorf("cannot load the toolkit into %s: %w", dir, err)
	}
	return store, nil
}
