package sync

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// tokenPrefixes start the tokens forges hand out: GitHub (ghp_, gho_, ghu_,
// ghs_, ghr_, github_pat_), GitLab (glpat-, gloas-, gldt-).
var tokenPrefixes = []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "gloas-", "gldt-"}

// longSecret is a user name too long and random to be one: 32 or more letters,
// digits, - and _ (Forgejo and Gitea tokens are 40 hex digits).
var longSecret = regexp.MustCompile(`^[A-Za-z0-9_-]{32,}$`)

func looksLikeToken(user string) bool {
	for _, p := range tokenPrefixes {
		if strings.HasPrefix(user, p) {
			return true
		}
	}
	return longSecret.MatchString(user)
}

// SplitURLToken takes a token out of an https hub address, where people paste
// it because forges document it so (DESIGN.md, threat model 7): the password
// of https://user:TOKEN@host/x.git, or the user of https://TOKEN@host/x.git
// when no token is given apart (tokenGiven false) or the user looks like a
// token. It returns the address without the token, and the token ("" when
// there was none). Other addresses come back as they are.
func SplitURLToken(raw string, tokenGiven bool) (clean, token string) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.User == nil || u.Host == "" {
		return raw, ""
	}
	user := u.User.Username()
	if pass, ok := u.User.Password(); ok {
		u.User = nil
		if user != "" && !looksLikeToken(user) {
			u.User = url.User(user)
		}
		return u.String(), pass
	}
	if user == "" || (tokenGiven && !looksLikeToken(user)) {
		return raw, ""
	}
	u.User = nil
	return u.String(), user
}

// moveURLTokens moves the tokens that an older version kept inside hub
// addresses (https://TOKEN@host/x.git) to the credential store, and takes them
// out of the database (overwritten, not only unlinked) and of the local
// repository's config.
func (e *Engine) moveURLTokens(ctx context.Context) error {
	rms, err := e.Remotes()
	if err != nil {
		return err
	}
	for _, rm := range rms {
		if _, tok := SplitURLToken(rm.URL, false); tok == "" {
			continue // no user in the address: no need to ask the keyring (it may be slow)
		}
		stored, _ := e.creds.Get(rm.URL)
		clean, tok := SplitURLToken(rm.URL, rm.TokenEnv != "" || stored != "")
		if tok == "" {
			continue
		}
		if have, _ := e.creds.Get(clean); have == "" {
			if err := e.creds.Set(clean, tok); err != nil {
				return fmt.Errorf("cannot move the token in the address of the hub %s to the credential store: %w", rm.Name, err)
			}
		}
		if err := e.setRemoteURL(ctx, rm.Name, clean); err != nil {
			return err
		}
		rm.URL = clean
		e.repo.mu.Lock()
		err := e.repo.saveRemoteConfig(rm)
		e.repo.mu.Unlock()
		if err != nil {
			return err
		}
		e.logf("the token in the address of the hub %s was moved to the credential store", rm.Name)
	}
	return nil
}

// setRemoteURL changes a hub's address in the database so that the old one
// can be read nowhere in the file: its bytes are overwritten (secure_delete)
// and the write-ahead log is emptied.
func (e *Engine) setRemoteURL(ctx context.Context, name, url string) error {
	conn, err := e.store.DB().Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA secure_delete = ON"); err != nil {
		return err
	}
	defer conn.ExecContext(ctx, "PRAGMA secure_delete = OFF")
	if _, err := conn.ExecContext(ctx, "UPDATE sync_remotes SET url = ? WHERE name = ?", url, name); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}
