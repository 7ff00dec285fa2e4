package sync

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	gitconfig "github.com/go-git/go-git/v5/plumbing/format/config"

	"vademecum/internal/atomicfile"
)

// The hubs are also written in the local repository's config file (as plain
// git does: [remote "name"] url = ...), so that a rebuilt database gets them
// back. Tokens are never there; the names of their environment variables and
// SSH key files are.

const (
	optTokenEnv = "vademecumTokenEnv"
	optSSHKey   = "vademecumSshKey"
)

func readRepoConfig(repoPath string) (*gitconfig.Config, error) {
	cfg := gitconfig.New()
	b, err := os.ReadFile(filepath.Join(repoPath, "config"))
	if errors.Is(err, fs.ErrNotExist) {
		return cfg, nil
	}
	if err != nil {
		return nil, err
	}
	if err := gitconfig.NewDecoder(bytes.NewReader(b)).Decode(cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}

// writeRepoConfig replaces the config file by a rename, so that a crash never
// leaves it half written (git refuses to read a damaged config).
func writeRepoConfig(repoPath string, cfg *gitconfig.Config) error {
	var buf bytes.Buffer
	if err := gitconfig.NewEncoder(&buf).Encode(cfg); err != nil {
		return err
	}
	return atomicfile.WriteVia(repoPath, "vademecum-ref-config-*", filepath.Join(repoPath, "config"), 0o644, func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	})
}

// saveRemoteConfig notes hub rm in the repository's config.
func (r *repo) saveRemoteConfig(rm Remote) error {
	cfg, err := readRepoConfig(r.path)
	if err != nil {
		return err
	}
	cfg.RemoveSubsection("remote", rm.Name)
	sub := cfg.Section("remote").Subsection(rm.Name)
	sub.SetOption("url", rm.URL)
	sub.SetOption("fetch", "+refs/heads/main:refs/remotes/"+rm.Name+"/main")
	if rm.TokenEnv != "" {
		sub.SetOption(optTokenEnv, rm.TokenEnv)
	}
	if rm.SSHKey != "" {
		sub.SetOption(optSSHKey, rm.SSHKey)
	}
	return writeRepoConfig(r.path, cfg)
}

// remotesInConfig lists the hubs the repository's config names.
func remotesInConfig(repoPath string) ([]Remote, error) {
	cfg, err := readRepoConfig(repoPath)
	if err != nil {
		return nil, err
	}
	var out []Remote
	for _, sub := range cfg.Section("remote").Subsections {
		if url := sub.Option("url"); url != "" && remoteNameRe.MatchString(sub.Name) {
			out = append(out, Remote{Name: sub.Name, URL: url, TokenEnv: sub.Option(optTokenEnv), SSHKey: sub.Option(optSSHKey)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
