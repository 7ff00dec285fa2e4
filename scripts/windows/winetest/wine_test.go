//go:build wine

package winetest

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The environment scripts/windows/test prepares.
var (
	wine   = mustEnv("WINE")               // the wine64 loader
	prefix = mustEnv("WINEPREFIX")         // a prefix with the ProcessPrng shim
	usb    = mustEnv("VADEMECUM_WINE_USB") // the host folder behind drive E:
	dist   = mustEnv("VADEMECUM_WIN_DIST") // vademecum-cli.exe, vademecum.exe, the installer
)

func mustEnv(k string) string {
	v := os.Getenv(k)
	if v == "" {
		panic(k + " is not set: run the Windows tests through scripts/windows/test (make test-windows)")
	}
	return v
}

// hostPath is where a C:\ path of the prefix lives on this machine.
func hostPath(win string) string {
	if len(win) < 3 || !strings.EqualFold(win[:3], `C:\`) {
		panic("not a C: path: " + win)
	}
	return filepath.Join(prefix, "drive_c", filepath.FromSlash(strings.ReplaceAll(win[3:], `\`, "/")))
}

// windowsUser is the prefix's user profile folder, C:\users\<name>.
func windowsUser(t *testing.T) string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(prefix, "drive_c", "users"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && e.Name() != "Public" {
			return `C:\users\` + e.Name()
		}
	}
	t.Fatal("the prefix has no user profile")
	return ""
}

// run runs a Windows program under wine and returns its standard output; env
// adds variables (KEY=VALUE) for this run only.
func run(t *testing.T, env []string, exe string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, wine, append([]string{exe}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		return out.String(), &runError{err, strings.TrimSpace(errb.String())}
	}
	return out.String(), nil
}

type runError struct {
	err    error
	stderr string
}

func (e *runError) Error() string { return e.err.Error() + ": " + e.stderr }

// cli runs vademecum-cli.exe with the data directory data (a Windows path; ""
// for the default) and fails the test when it fails.
func cli(t *testing.T, data string, args ...string) string {
	t.Helper()
	return cliEnv(t, nil, data, args...)
}

func cliEnv(t *testing.T, env []string, data string, args ...string) string {
	t.Helper()
	if data != "" {
		args = append([]string{"--data", data}, args...)
	}
	out, err := run(t, env, filepath.Join(dist, "vademecum-cli.exe"), args...)
	if err != nil {
		t.Fatalf("vademecum-cli %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func decode[T any](t *testing.T, out string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return v
}

type listed struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Org   string `json:"org"`
}

type synced struct {
	Received    int    `json:"received"`
	Sent        int    `json:"sent"`
	Conflicts   int    `json:"conflicts"`
	Quarantined int    `json:"quarantined"`
	HubHead     string `json:"hub_head"`
}

func titles(ps []listed) map[string]string {
	m := map[string]string{}
	for _, p := range ps {
		m[p.ID] = p.Title
	}
	return m
}

// TestCLIRoundTrip: first start in the default data directory
// (%APPDATA%\Vademecum), then add, search, edit and delete a practice, with
// text in Polish and Italian through the Windows command line.
func TestCLIRoundTrip(t *testing.T) {
	user := windowsUser(t)
	dataDir := user + `\AppData\Roaming\Vademecum`
	os.RemoveAll(hostPath(dataDir))
	out := cli(t, "", "init", "--org-id", "casa-aperta-it", "--org-name", "Casa Aperta", "--country", "IT", "--lang", "it", "--user", "Anna Rossi")
	if !strings.Contains(out, dataDir+" ") {
		t.Fatalf("init says %q, want the data directory %s (with backslashes)", out, dataDir)
	}
	if _, err := os.Stat(filepath.Join(hostPath(dataDir), "vademecum.db")); err != nil {
		entries, _ := os.ReadDir(hostPath(dataDir))
		t.Fatalf("no database in %s: %v (it holds %v)", dataDir, err, entries)
	}
	id := strings.TrimSpace(cli(t, "", "practice", "add", "--title", "Sportello notturno a Łódź", "--summary",
		"Un telefono condiviso per il turno di notte, con la città già più vicina.", "--visibility", "shared", "--lang", "it", "--tag", "notte"))
	if id == "" {
		t.Fatal("practice add printed no id")
	}
	hits := decode[[]listed](t, cli(t, "", "search", "sportello", "--json", "--type", "practice"))
	if len(hits) != 1 || hits[0].ID != id {
		t.Fatalf("search found %+v, want %s", hits, id)
	}
	if hits := decode[[]listed](t, cli(t, "", "search", "lodz", "--json", "--type", "practice")); len(hits) != 1 {
		t.Fatalf("search without diacritics found %+v", hits)
	}
	cli(t, "", "practice", "edit", id, "--title", "Sportello notturno condiviso")
	shown := decode[listed](t, cli(t, "", "practice", "show", id, "--json"))
	if shown.Title != "Sportello notturno condiviso" {
		t.Fatalf("after edit the title is %q", shown.Title)
	}
	cli(t, "", "practice", "delete", id)
	if ps := decode[[]listed](t, cli(t, "", "practice", "list", "--json")); titles(ps)[id] != "" {
		t.Fatalf("still listed after delete: %+v", ps)
	}
	if hits := decode[[]listed](t, cli(t, "", "search", "sportello", "--json", "--type", "practice")); len(hits) != 0 {
		t.Fatalf("still found after delete: %+v", hits)
	}
}

// TestFolderHubOnDriveLetter: two installations sync through a hub folder on
// E: (a USB stick); the hub is a plain bare git repository there.
func TestFolderHubOnDriveLetter(t *testing.T) {
	os.RemoveAll(filepath.Join(usb, "vademecum-hub"))
	a, b := `C:\vm-usb-a`, `C:\vm-usb-b`
	for _, d := range []string{a, b} {
		os.RemoveAll(hostPath(d))
	}
	cli(t, a, "init", "--org-id", "shelter-it", "--org-name", "Shelter", "--country", "IT", "--lang", "it", "--user", "Anna")
	cli(t, b, "init", "--org-id", "street-cz", "--org-name", "Ulice", "--country", "CZ", "--lang", "cs", "--user", "Petr")
	hubDir := `E:\vademecum-hub`
	for _, d := range []string{a, b} {
		cli(t, d, "remote", "add", "usb", hubDir)
	}
	rl := cli(t, a, "remote", "list")
	if !strings.Contains(rl, hubDir) {
		t.Errorf("remote list shows %q, want %s", rl, hubDir)
	}
	id := strings.TrimSpace(cli(t, a, "practice", "add", "--title", "Noční služba s jedním telefonem", "--summary", "Sdílený telefon pro noční směnu.", "--visibility", "shared", "--lang", "cs"))
	if s := decode[synced](t, cli(t, a, "sync", "--json")); s.Sent == 0 {
		t.Fatalf("a sent nothing: %+v", s)
	}
	if _, err := os.Stat(filepath.Join(usb, "vademecum-hub", "HEAD")); err != nil {
		t.Fatalf("no bare repository on the stick: %v", err)
	}
	if s := decode[synced](t, cli(t, b, "sync", "--json")); s.Received == 0 {
		t.Fatalf("b received nothing: %+v", s)
	}
	if got := titles(decode[[]listed](t, cli(t, b, "practice", "list", "--json")))[id]; got != "Noční služba s jedním telefonem" {
		t.Fatalf("b has %q for %s", got, id)
	}
	cli(t, b, "comment", "add", id, "--text", "Zkusili jsme to v Brně, funguje to.")
	cli(t, b, "sync", "--json")
	cli(t, a, "sync", "--json")
	if show := cli(t, a, "practice", "show", id); !strings.Contains(show, "Zkusili jsme to v Brně") {
		t.Fatalf("a does not show b's comment:\n%s", show)
	}
	// Plain git on the other side of the stick reads it too.
	if out, err := exec.Command("git", "-C", filepath.Join(usb, "vademecum-hub"), "log", "--oneline", "main").CombinedOutput(); err != nil || len(bytes.Split(bytes.TrimSpace(out), []byte("\n"))) < 2 {
		t.Fatalf("git log on the hub: %v\n%s", err, out)
	}
}

// TestHTTPHubWithCredentialManager: the same through git http-backend on
// 127.0.0.1, with a token that is kept in the Windows Credential Manager (not
// in a file, not in the data directory) and read from there on later syncs.
func TestHTTPHubWithCredentialManager(t *testing.T) {
	root := t.TempDir()
	if out, err := exec.Command("git", "init", "--bare", "-q", "-b", "main", filepath.Join(root, "hub.git")).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	const token = "wine-hub-token-7f3a"
	url := serveGit(t, root, token) + "/hub.git"
	a, b := `C:\vm-http-a`, `C:\vm-http-b`
	for _, d := range []string{a, b} {
		os.RemoveAll(hostPath(d))
	}
	cli(t, a, "init", "--org-id", "migra-es", "--org-name", "Migra", "--country", "ES", "--lang", "es", "--user", "Lucía")
	cli(t, b, "init", "--org-id", "forum-pl", "--org-name", "Forum", "--country", "PL", "--lang", "pl", "--user", "Ola")
	for _, d := range []string{a, b} {
		cliEnv(t, []string{"HUB_TOKEN=" + token}, d, "remote", "add", "net", url, "--token-env", "HUB_TOKEN")
	}
	id := strings.TrimSpace(cli(t, a, "practice", "add", "--title", "Mediación por teléfono en árabe", "--summary", "Una línea compartida.", "--visibility", "shared", "--lang", "es"))
	// No HUB_TOKEN now: the token comes from the Credential Manager.
	if s := decode[synced](t, cli(t, a, "sync", "--json")); s.Sent == 0 {
		t.Fatalf("a sent nothing: %+v", s)
	}
	if s := decode[synced](t, cli(t, b, "sync", "--json")); s.Received == 0 {
		t.Fatalf("b received nothing: %+v", s)
	}
	if got := titles(decode[[]listed](t, cli(t, b, "practice", "list", "--json")))[id]; got != "Mediación por teléfono en árabe" {
		t.Fatalf("b has %q", got)
	}
	// Where the token is: wine keeps the Credential Manager in the user's
	// registry; no credentials file anywhere, nothing in the data directories.
	reg, err := os.ReadFile(filepath.Join(prefix, "user.reg"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(reg, []byte("vademecum:"+url)) {
		t.Errorf("the Credential Manager (user.reg) has no entry vademecum:%s", url)
	}
	filepath.WalkDir(filepath.Join(prefix, "drive_c"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if d.Name() == "credentials.json" {
			t.Errorf("a token file was written: %s", p)
		}
		return nil
	})
	for _, d := range []string{a, b} {
		filepath.WalkDir(hostPath(d), func(p string, de os.DirEntry, err error) error {
			if err == nil && !de.IsDir() {
				if bs, _ := os.ReadFile(p); bytes.Contains(bs, []byte(token)) {
					t.Errorf("the token is in %s", p)
				}
			}
			return nil
		})
	}
}

// serveGit serves the bare repositories under root through the real git
// http-backend on 127.0.0.1, asking for the token as a forge would.
func serveGit(t *testing.T, root, token string) string {
	t.Helper()
	execPath, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Fatalf("git --exec-path: %v", err)
	}
	backend := filepath.Join(strings.TrimSpace(string(execPath)), "git-http-backend")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || pass != token {
			w.Header().Set("WWW-Authenticate", `Basic realm="hub"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		(&cgi.Handler{Path: backend, Root: "/", Stderr: io.Discard, Env: []string{
			"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "REMOTE_USER=" + user,
		}}).ServeHTTP(w, r)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// TestExports: a PDF booklet and a CSV report written to Windows paths; the
// PDF read back with poppler, the CSV as a spreadsheet on Windows expects it.
func TestExports(t *testing.T) {
	d := `C:\vm-export`
	os.RemoveAll(hostPath(d))
	cli(t, d, "init", "--org-id", "forum-pl", "--org-name", "Forum", "--country", "PL", "--lang", "pl", "--user", "Ola")
	cli(t, d, "practice", "add", "--title", "Wspólny telefon dyżurny", "--summary", "Jeden telefon dla całej zmiany.", "--visibility", "shared", "--lang", "pl")
	pdf := `C:\exports\vademecum.pdf`
	os.MkdirAll(filepath.Dir(hostPath(pdf)), 0o755)
	cli(t, d, "export", "--format", "pdf", "--out", pdf, "--lang", "pl", "--practices")
	text, err := exec.Command("pdftotext", "-enc", "UTF-8", hostPath(pdf), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	if !bytes.Contains(text, []byte("Wspólny telefon dyżurny")) {
		t.Errorf("the PDF lacks the practice's title (%d bytes of text)", len(text))
	}
	csvPath := `C:\exports\practices.csv`
	cli(t, d, "export", "--format", "csv", "--out", csvPath)
	raw, err := os.ReadFile(hostPath(csvPath))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte("\r\n")) || bytes.Count(raw, []byte("\n")) != bytes.Count(raw, []byte("\r\n")) {
		t.Errorf("the CSV's lines do not all end in CRLF")
	}
	if !bytes.Contains(raw, []byte("Wspólny telefon dyżurny")) {
		t.Errorf("the CSV lacks the title")
	}
	// A sheet saved on Windows: CRLF, a byte-order mark.
	sheet := `C:\exports\sheet.csv`
	os.WriteFile(hostPath(sheet), []byte("\ufefftitle,summary,tags\r\nNocny obchód,\"Dwie\r\nlinie\",offline\r\n"), 0o644)
	cli(t, d, "practice", "import", "--from-csv", sheet)
	var got *listed
	ps := decode[[]listed](t, cli(t, d, "practice", "list", "--json"))
	for i := range ps {
		if ps[i].Title == "Nocny obchód" {
			got = &ps[i]
		}
	}
	if got == nil {
		t.Fatalf("the imported practice is missing: %+v", ps)
	}
	var full map[string]any
	full = decode[map[string]any](t, cli(t, d, "practice", "show", got.ID, "--json"))
	if full["summary"] != "Dwie\nlinie" {
		t.Errorf("summary %q: the CRLF inside the cell was not read as one line break", full["summary"])
	}
}

// TestAppWindow starts vademecum.exe on the X display (Xvfb) with an Italian
// Windows locale, waits for its window and saves a screenshot of it.
func TestAppWindow(t *testing.T) {
	display := mustEnv("DISPLAY")
	shot := os.Getenv("VADEMECUM_WIN_SHOT")
	if shot == "" {
		shot = filepath.Join(dist, "wine-window.png")
	}
	d := `C:\vm-gui`
	os.RemoveAll(hostPath(d))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, wine, filepath.Join(dist, "vademecum.exe"), "--data", d)
	cmd.Env = append(os.Environ(), "LOCPATH="+mustEnv("VADEMECUM_WINE_LOCPATH"), "LANG=it_IT.UTF-8", "LC_ALL=it_IT.UTF-8", "DISPLAY="+display)
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Kill()
		<-exited
	}()
	var win string
	deadline := time.Now().Add(3 * time.Minute)
	for win == "" {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("vademecum.exe exited before showing a window: %v\n%s", err, errb.String())
		case <-time.After(time.Second):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no Vademecum window after 3 minutes\n%s", errb.String())
		}
		win = findWindow(t, display, "Vademecum")
	}
	// Give it time to draw its first frame (software GL under Xvfb is slow).
	var img image.Image
	for i := 0; i < 30; i++ {
		time.Sleep(2 * time.Second)
		out, err := exec.Command("import", "-display", display, "-window", win, "png:-").Output()
		if err != nil {
			continue
		}
		img, err = png.Decode(bytes.NewReader(out))
		if err == nil && colours(img) > 50 {
			os.WriteFile(shot, out, 0o644)
			break
		}
	}
	if img == nil || colours(img) <= 50 {
		t.Fatalf("the window %s never showed content", win)
	}
	if b := img.Bounds(); b.Dx() < 400 || b.Dy() < 300 {
		t.Errorf("the window is %dx%d", b.Dx(), b.Dy())
	}
	t.Logf("window %s screenshot: %s", win, shot)
}

// findWindow returns the id of a top-level window whose name contains name.
func findWindow(t *testing.T, display, name string) string {
	out, err := exec.Command("xwininfo", "-display", display, "-root", "-tree").Output()
	if err != nil {
		t.Fatalf("xwininfo: %v", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) > 2 && strings.HasPrefix(f[0], "0x") && strings.Contains(line, `"`+name) && strings.Contains(line, "x") {
			if geo := f[len(f)-2]; strings.Contains(geo, "x") && !strings.HasPrefix(geo, "1x1") {
				return f[0]
			}
		}
	}
	return ""
}

// colours counts the distinct colours of an image (up to 10,000).
func colours(img image.Image) int {
	seen := map[uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[r>>8<<16|g>>8<<8|bl>>8] = true
			if len(seen) >= 10000 {
				return len(seen)
			}
		}
	}
	return len(seen)
}

// TestInstaller: the setup installs silently for this user only (no admin
// rights) into %LOCALAPPDATA%\Programs\Vademecum with a Start-menu shortcut
// and, with /DESKTOP, a desktop one; the installed CLI works; the uninstaller
// removes the program and the shortcuts and keeps the user's data, unless
// /REMOVEDATA.
func TestInstaller(t *testing.T) {
	setups, _ := filepath.Glob(filepath.Join(dist, "Vademecum-*-setup.exe"))
	if len(setups) != 1 {
		t.Fatalf("want one installer in %s, found %v", dist, setups)
	}
	user := windowsUser(t)
	inst := hostPath(user + `\AppData\Local\Programs\Vademecum`)
	startMenu := hostPath(user + `\AppData\Roaming\Microsoft\Windows\Start Menu\Programs\Vademecum.lnk`)
	desktop := filepath.Join(hostPath(user+`\Desktop`), "Vademecum.lnk")
	dataDir := user + `\AppData\Roaming\Vademecum`
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	waitGone := func(p string) {
		t.Helper()
		// The uninstaller copies itself to %TEMP% and goes on from there after
		// the first process has exited.
		for deadline := time.Now().Add(2 * time.Minute); exists(p); {
			if time.Now().After(deadline) {
				t.Fatalf("%s is still there", p)
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
	install := func(args ...string) {
		t.Helper()
		if out, err := run(t, nil, setups[0], args...); err != nil {
			t.Fatalf("setup %v: %v\n%s", args, err, out)
		}
		for _, f := range []string{"vademecum.exe", "vademecum-cli.exe", "uninstall.exe"} {
			if !exists(filepath.Join(inst, f)) {
				t.Fatalf("setup %v did not install %s into %s", args, f, inst)
			}
		}
		if !exists(startMenu) {
			t.Fatalf("no Start-menu shortcut %s", startMenu)
		}
		reg, _ := os.ReadFile(filepath.Join(prefix, "user.reg"))
		if !bytes.Contains(reg, []byte(`CurrentVersion\\Uninstall\\Vademecum`)) {
			t.Error("no entry in the user's Apps & features list (HKCU ...\\Uninstall\\Vademecum)")
		}
	}
	uninstall := func(args ...string) {
		t.Helper()
		if out, err := run(t, nil, filepath.Join(inst, "uninstall.exe"), args...); err != nil {
			t.Fatalf("uninstall %v: %v\n%s", args, err, out)
		}
		waitGone(inst)
		if exists(startMenu) || exists(desktop) {
			t.Errorf("a shortcut is left after uninstall %v", args)
		}
	}

	os.RemoveAll(hostPath(dataDir))
	install("/S", "/DESKTOP")
	if !exists(desktop) {
		t.Errorf("/DESKTOP made no desktop shortcut %s", desktop)
	}
	out, err := run(t, nil, filepath.Join(inst, "vademecum-cli.exe"), "init", "--org-id", "shelter-it", "--org-name", "Shelter",
		"--country", "IT", "--lang", "it", "--user", "Anna")
	if err != nil || !strings.Contains(out, dataDir) {
		t.Fatalf("the installed CLI: %v %s", err, out)
	}
	uninstall("/S")
	if !exists(filepath.Join(hostPath(dataDir), "vademecum.db")) {
		t.Fatal("a silent uninstall removed the user's data")
	}
	reg, _ := os.ReadFile(filepath.Join(prefix, "user.reg"))
	if bytes.Contains(reg, []byte(`CurrentVersion\\Uninstall\\Vademecum]`)) {
		t.Error("the uninstall entry is left in the registry")
	}

	install("/S")
	if exists(desktop) {
		t.Error("a desktop shortcut without /DESKTOP")
	}
	uninstall("/S", "/REMOVEDATA")
	for i := 0; exists(hostPath(dataDir)) && i < 20; i++ {
		time.Sleep(500 * time.Millisecond)
	}
	if exists(hostPath(dataDir)) {
		t.Error("/REMOVEDATA left the data directory")
	}
}
