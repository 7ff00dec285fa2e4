package trust

import (
	"bytes"
	"crypto/ed25519"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
	gosync "sync"
	"time"

	"vademecum/data"
)

// Keyring signs this installation's records and checks those received from hubs,
// against the organisation files in the store. It is safe for concurrent use.
// Sign and Verify are the sync engine's Options.Sign and Options.Verify.
type Keyring struct {
	store *data.Store
	me    *Installation
	// Logf, when set, hears about what the keyring could not save (a key change
	// held for approval that the database refused).
	Logf func(format string, args ...any)

	orgStmt   *sql.Stmt
	ownerStmt *sql.Stmt

	mu    gosync.Mutex
	myOrg string
	cache map[string]cachedOrg
	// seen holds the organisation files Verify accepted that the store may not
	// hold yet: the sync engine imports them in the same round as the records
	// they sign, possibly in one transaction that commits after every Verify.
	seen map[string]*data.Organisation
	// known are the keys of the organisation files read, by id, and done
	// the verifications Precheck did with them ahead (precheck.go).
	known map[string]ed25519.PublicKey
	done  prechecked
}

type cachedOrg struct {
	body string
	org  *data.Organisation
}

// New opens the keyring of a store, loading (or on first use making) this
// installation's key in the store's data directory.
func New(store *data.Store) (*Keyring, error) {
	me, err := LoadInstallation(store.Dir())
	if err != nil {
		return nil, err
	}
	k := &Keyring{store: store, me: me, cache: map[string]cachedOrg{}, seen: map[string]*data.Organisation{}}
	if k.orgStmt, err = store.DB().Prepare(orgQuery); err != nil {
		return nil, err
	}
	if k.ownerStmt, err = store.DB().Prepare(ownerQuery); err != nil {
		k.orgStmt.Close()
		return nil, err
	}
	return k, nil
}

// Installation is this installation's key.
func (k *Keyring) Installation() *Installation { return k.me }

const (
	orgQuery   = "SELECT body FROM records WHERE id = ? AND type = 'org'"
	ownerQuery = "SELECT org, type FROM records WHERE id = ?"
)

// queryRow runs one of the keyring's queries through q: the statement prepared
// on the database when q is the database, q's own otherwise (a transaction's
// work stays on its connection).
func (k *Keyring) queryRow(q data.Querier, st *sql.Stmt, query string, args ...any) *sql.Row {
	if q == nil || q == data.Querier(k.store.DB()) {
		return st.QueryRow(args...)
	}
	return q.QueryRow(query, args...)
}

// Close releases the keyring's statements.
func (k *Keyring) Close() error {
	k.orgStmt.Close()
	return k.ownerStmt.Close()
}

func (k *Keyring) logf(format string, args ...any) {
	if k.Logf != nil {
		k.Logf(format, args...)
	}
}

func (k *Keyring) identity(q data.Querier) (string, error) {
	k.mu.Lock()
	org := k.myOrg
	k.mu.Unlock()
	if org != "" {
		return org, nil
	}
	org, err := data.SettingIn(q, data.SettingOrg)
	if err != nil {
		return "", err
	}
	if org == "" {
		return "", data.ErrNoIdentity
	}
	k.mu.Lock()
	k.myOrg = org
	k.mu.Unlock()
	return org, nil
}

// Sign signs a record of this installation's organisation before it leaves the
// device: it sets Sig to "<key id>:<signature>" over the canonical encoding.
func (k *Keyring) Sign(r data.Record) error {
	m := r.Base()
	mine, err := k.identity(k.store.DB())
	if err != nil {
		return err
	}
	switch {
	case m.Org == data.ToolkitOrg:
		return fmt.Errorf("%s %s is toolkit content shipped with the app: it is never shared through a hub", m.Type, m.ID)
	case m.Org != mine:
		return fmt.Errorf("%s %s belongs to %s: only %s can change it (this installation belongs to %s); add a comment instead",
			m.Type, m.ID, m.Org, m.Org, mine)
	}
	var keys []data.Key
	if o, ok := r.(*data.Organisation); ok {
		keys = o.Keys // the version being published is the one partners check
	} else {
		o, err := k.org(k.store.DB(), mine)
		if err != nil {
			return err
		}
		if o == nil {
			return errs.Error(ErrOrgFileMissing, mine)
		}
		keys = o.Keys
	}
	key := findKey(keys, k.me.ID())
	if key == nil {
		return errs.Error(ErrKeyNotListedYet, k.me.ID(), mine)
	}
	if revokedAt(key, m.Updated) {
		return fmt.Errorf("this installation's key %s was revoked on %s: what is written here after that cannot be shared (ask your coordinator to add this laptop again with a new data directory)",
			key.ID, key.Revoked.Format(time.DateOnly))
	}
	return signRecord(k.me, r)
}

// signRecord signs r with the installation key, without the Keyring's checks.
func signRecord(in *Installation, r data.Record) error {
	m := r.Base()
	m.Created, m.Updated = m.Created.UTC(), m.Updated.UTC()
	m.Sig = ""
	b, err := data.Encode(r)
	if err != nil {
		return err
	}
	m.Sig = in.ID() + ":" + base64.StdEncoding.EncodeToString(in.sign(b))
	return nil
}

var (
	keyIDRe = regexp.MustCompile(`^[0-9a-f]{16}$`)
	uuidRe  = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// parseSig splits "<key id>:<base64 signature>".
func parseSig(s string) (keyID string, sig []byte, err error) {
	if s == "" {
		return "", nil, refuse(ReasonNotSigned)
	}
	id, b64, ok := strings.Cut(s, ":")
	sig, err = base64.StdEncoding.DecodeString(b64)
	if !ok || !keyIDRe.MatchString(id) || err != nil || len(sig) != ed25519.SignatureSize {
		return "", nil, refuse(ReasonBadSignature)
	}
	return id, sig, nil
}

// Verify decides whether a record received from a hub may be imported: nil, or
// the reason to quarantine it. body is the file as it is in the hub (nil to check
// r's canonical encoding) and r its decoded form; prev is the version already
// here, or nil. q is where Verify reads (and keeps a key change for approval):
// the import's transaction when it runs inside one, else the database.
func (k *Keyring) Verify(q data.Querier, r data.Record, body []byte, prev data.Record) error {
	if q == nil {
		q = k.store.DB()
	}
	if r == nil {
		return refuse(ReasonNoRecord)
	}
	m := r.Base()
	switch {
	case m.Org == "":
		return refuse(ReasonNoOwner)
	case m.Org == data.ToolkitOrg:
		return refuse(ReasonClaimsToolkit)
	case m.Type == data.TypeOrg && m.ID != m.Org:
		return refuse(ReasonOrgClaims, m.ID, m.Org)
	case m.Type != data.TypeOrg && !uuidRe.MatchString(m.ID):
		// Only organisation files have names for ids: nobody may take one.
		return refuse(ReasonNotRecordID, m.ID)
	}
	prevOrg, prevType := "", ""
	if prev != nil {
		prevOrg, prevType = prev.Base().Org, prev.Base().Type
	} else {
		// The engine found no earlier version; make sure by id, whatever the path.
		err := k.queryRow(q, k.ownerStmt, ownerQuery, m.ID).Scan(&prevOrg, &prevType)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return refuse(ReasonLocalCheck, err)
		}
	}
	if prevOrg != "" && prevOrg != m.Org {
		return refuse(ReasonNonOwner, prevType, prevOrg, m.Org)
	}
	if prevType != "" && prevType != m.Type {
		return refuse(ReasonTypeChanged, prevType, m.Type)
	}
	if m.Type != data.TypeOrg && data.BoundID(m.ID) && !data.IDBelongsTo(m.ID, m.Org, m.Claim) {
		// Ids of hub format 2 carry their organisation: nobody else can take one.
		return refuse(ReasonForeignID, m.ID, m.Org)
	}
	keyID, sig, err := parseSig(m.Sig)
	if err != nil {
		return err
	}
	if o, ok := r.(*data.Organisation); ok {
		return k.verifyOrg(q, o, keyID, sig, body)
	}
	owner, err := k.org(q, m.Org)
	if err != nil {
		return err
	}
	if owner == nil || len(owner.Keys) == 0 {
		return notYet(refuse(ReasonOrgNotReceived, m.Org, m.Org))
	}
	key := findKey(owner.Keys, keyID)
	if key == nil {
		return k.unknownKey(q, m, keyID)
	}
	pub, err := keyPublic(key)
	if err != nil {
		return refuse(ReasonMalformedKey, m.Org, key.ID)
	}
	if revokedAt(key, m.Updated) {
		return revokedError(m.Org, key)
	}
	if !k.verifySig(pub, r, body, sig) {
		return errTampered
	}
	return nil
}

var errTampered = refuse(ReasonTampered)

func revokedError(org string, key *data.Key) error {
	return refuse(ReasonRevoked, org, key.ID+deviceOf(key), key.Revoked.UTC().Format(time.RFC3339))
}

func deviceOf(k *data.Key) string {
	if k.Device == "" {
		return ""
	}
	return fmt.Sprintf(" (%q)", k.Device)
}

// unknownKey explains a key that the owner does not list, naming the partner it
// belongs to when it is one: that is a non-owner's change.
func (k *Keyring) unknownKey(q data.Querier, m *data.Meta, keyID string) error {
	orgs, err := data.OrgsIn(q)
	if err == nil {
		k.mu.Lock()
		for _, o := range k.seen {
			orgs = append(orgs, o)
		}
		k.mu.Unlock()
		for _, o := range orgs {
			if o.ID != m.Org && findKey(o.Keys, keyID) != nil {
				return refuse(ReasonNonOwnerKey, o.ID, m.Org, m.Org)
			}
		}
	}
	if mine, err := k.identity(q); err == nil && mine == m.Org {
		// This installation knows its own organisation's keys: no later file
		// will list this one before a laptop here does.
		return refuse(ReasonUnknownOwnKey, keyID, m.Org)
	}
	return notYet(refuse(ReasonUnknownKey, keyID, m.Org))
}

// Lists reports whether o, a version of this installation's organisation file
// (body: its bytes, nil to check its encoding), lists this installation's key
// not revoked and is signed by a key that the version held here lists, not
// revoked: the sync engine's Options.Lists. A new laptop is listed once a
// laptop of its organisation added it and the change was approved here.
func (k *Keyring) Lists(o *data.Organisation, body []byte) bool {
	if key := findKey(o.Keys, k.me.ID()); key == nil || !key.Revoked.IsZero() {
		return false
	}
	mine, err := k.identity(k.store.DB())
	if err != nil || o.ID != mine {
		return false
	}
	held, err := k.org(k.store.DB(), mine)
	if err != nil || held == nil {
		return false
	}
	keyID, sig, err := parseSig(o.Sig)
	if err != nil {
		return false
	}
	signer := findKey(held.Keys, keyID)
	if signer == nil || revokedAt(signer, o.Updated) {
		return false
	}
	pub, err := keyPublic(signer)
	return err == nil && verifySig(pub, o, body, sig)
}

// pending is a reason to hold a record that may pass later: the organisation
// file or key that signs it has not arrived yet, or a key change waits for
// approval. The sync engine checks such records again at every sync.
type pending struct{ error }

func (pending) Temporary() bool { return true }
func (p pending) Unwrap() error { return p.error }

func notYet(err error) error { return pending{err} }

// verifyOrg applies the rules of organisation files: trust on first sight if
// self-signed, later versions signed by a key already pinned, other key changes
// held for approval.
func (k *Keyring) verifyOrg(q data.Querier, o *data.Organisation, keyID string, sig, body []byte) error {
	if err := checkKeys(o); err != nil {
		return err
	}
	pinned, err := k.org(q, o.ID)
	if err != nil {
		return err
	}
	if pinned != nil && len(pinned.Keys) > 0 {
		// Signed by a key pinned here, or by one the pinned keys certified
		// (one laptop listing the next: the versions in between need not have
		// been seen here).
		key := findKey(pinned.Keys, keyID)
		if key == nil && chained(pinned, o, keyID) {
			key = findKey(o.Keys, keyID)
		}
		if key != nil {
			pub, err := keyPublic(key)
			if err != nil {
				return refuse(ReasonMalformedKey, o.ID, key.ID)
			}
			if revokedAt(key, o.Updated) {
				return revokedError(o.ID, key)
			}
			if !verifySig(pub, o, body, sig) {
				return errTampered
			}
			if err := keepsRevocations(pinned, o); err != nil {
				return err
			}
			k.remember(o)
			return nil
		}
	}
	// Signed by none of the pinned keys: it must at least be signed by one of its own.
	key := findKey(o.Keys, keyID)
	if key == nil {
		return refuse(ReasonUnlistedSigner, o.ID, keyID)
	}
	pub, _ := keyPublic(key) // checkKeys vouched for it
	if revokedAt(key, o.Updated) {
		return revokedError(o.ID, key)
	}
	if !verifySig(pub, o, body, sig) {
		return errTampered
	}
	if pinned == nil || len(pinned.Keys) == 0 {
		// An invitation may have pinned other keys for it (invite.go).
		if err := k.invitedSigner(q, o, key); err != nil {
			k.hold(q, o, body, key)
			return notYet(err)
		}
		// First sight: pin. Never for this installation's own organisation,
		// whose file here lists this installation's key once EnsureListed ran.
		if mine, err := k.identity(q); err != nil || o.ID != mine {
			k.remember(o)
			return nil
		}
	}
	k.hold(q, o, body, key)
	return approvalError(o.ID, key)
}

func approvalError(org string, key *data.Key) error {
	return notYet(refuse(ReasonNeedsApproval, org, key.ID+deviceOf(key), FingerprintOf(key.Public)))
}

// checkKeys refuses an organisation file whose key list is malformed: an ID
// that is not its key's, a key twice.
func checkKeys(o *data.Organisation) error {
	ids := map[string]bool{}
	for i := range o.Keys {
		key := &o.Keys[i]
		pub, err := keyPublic(key)
		if err != nil || KeyID(pub) != key.ID {
			return refuse(ReasonMalformedKey, o.ID, key.ID)
		}
		if ids[key.ID] {
			return refuse(ReasonKeyTwice, o.ID, key.ID)
		}
		ids[key.ID] = true
	}
	return nil
}

// certBytes is what a key's certificate signs.
func certBytes(org string, k data.Key) []byte {
	return []byte("vademecum key\x00" + org + "\x00" + k.ID + "\x00" + k.Public)
}

// certify is the certificate of k, listed for org by the installation in.
func certify(in *Installation, org string, k data.Key) string {
	return in.ID() + ":" + base64.StdEncoding.EncodeToString(in.sign(certBytes(org, k)))
}

// chained reports whether the key signer of version o of an organisation file
// is one that the keys pinned here certified, directly or through keys they
// certified (each listed in o, none revoked in o or pinned).
func chained(pinned, o *data.Organisation, signer string) bool {
	trusted := map[string]*data.Key{}
	for i := range pinned.Keys {
		if pinned.Keys[i].Revoked.IsZero() {
			trusted[pinned.Keys[i].ID] = &pinned.Keys[i]
		}
	}
	for changed := true; changed; {
		changed = false
		for i := range o.Keys {
			key := &o.Keys[i]
			if trusted[key.ID] != nil || key.Cert == "" || !key.Revoked.IsZero() {
				continue
			}
			by, sig, err := parseSig(key.Cert)
			if err != nil || trusted[by] == nil {
				continue
			}
			pub, err := keyPublic(trusted[by])
			if err == nil && ed25519.Verify(pub, certBytes(o.ID, *key), sig) {
				trusted[key.ID] = key
				changed = true
			}
		}
	}
	return trusted[signer] != nil && findKey(pinned.Keys, signer) == nil
}

// keepsRevocations refuses a version that would lift a revocation of the pinned
// one: a stolen laptop's key must not come back, whoever signs.
func keepsRevocations(pinned, o *data.Organisation) error {
	for i := range pinned.Keys {
		pk := &pinned.Keys[i]
		if pk.Revoked.IsZero() {
			continue
		}
		nk := findKey(o.Keys, pk.ID)
		if nk != nil && (nk.Revoked.IsZero() || nk.Revoked.After(pk.Revoked)) {
			return refuse(ReasonUndoesRevocation, o.ID, pk.ID+deviceOf(pk))
		}
	}
	return nil
}

func findKey(keys []data.Key, id string) *data.Key {
	for i := range keys {
		if keys[i].ID == id {
			return &keys[i]
		}
	}
	return nil
}

func keyPublic(k *data.Key) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(k.Public)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errors.New("malformed public key")
	}
	return ed25519.PublicKey(b), nil
}

// revokedAt reports whether key signs nothing valid at time t.
func revokedAt(key *data.Key, t time.Time) bool {
	return !key.Revoked.IsZero() && !t.Before(key.Revoked)
}

// verifySig checks sig over the record with its Sig emptied. The fast way is the
// hub file itself minus its "sig" line (canonical JSON puts it on a line of its
// own); a file that is not byte-canonical is checked through r's encoding.
func verifySig(pub ed25519.PublicKey, r data.Record, body []byte, sig []byte) bool {
	want := r.Base().Sig
	if body != nil {
		if unsigned, ok := stripSig(body, want); ok && ed25519.Verify(pub, unsigned, sig) {
			return true
		}
	}
	b, err := data.Encode(r)
	if err != nil {
		return false
	}
	unsigned, ok := stripSig(b, want)
	return ok && ed25519.Verify(pub, unsigned, sig)
}

// stripSig removes the top-level line `  "sig": "<sig>",` from canonical JSON.
// A JSON string holds no raw line break and nested keys are indented deeper, so
// that line can only be the record's own signature.
func stripSig(b []byte, sig string) ([]byte, bool) {
	line := []byte("\n  \"sig\": \"" + sig + "\",\n")
	i := bytes.Index(b, line)
	if i < 0 || bytes.Index(b[i+1:], line) >= 0 {
		return nil, false
	}
	out := make([]byte, 0, len(b)-len(line)+1)
	out = append(out, b[:i+1]...)
	return append(out, b[i+len(line):]...), true
}

// org returns the newest version known here of an organisation file: the
// store's, or one Verify accepted this session that is not stored yet.
func (k *Keyring) org(q data.Querier, id string) (*data.Organisation, error) {
	var body string
	err := k.queryRow(q, k.orgStmt, orgQuery, id).Scan(&body)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, refuse(ReasonOrgUnreadable, id, err)
	}
	var stored *data.Organisation
	k.mu.Lock()
	defer k.mu.Unlock()
	if body != "" {
		if c, ok := k.cache[id]; ok && c.body == body {
			stored = c.org
		} else {
			r, err := data.Decode([]byte(body))
			if err != nil {
				return nil, refuse(ReasonOrgDamaged, id, err)
			}
			stored, _ = r.(*data.Organisation)
			k.cache[id] = cachedOrg{body, stored}
			k.learnKeys(stored)
		}
	}
	if s := k.seen[id]; s != nil && (stored == nil || s.Updated.After(stored.Updated)) {
		return s, nil
	}
	return stored, nil
}

func (k *Keyring) remember(o *data.Organisation) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if s := k.seen[o.ID]; s == nil || o.Updated.After(s.Updated) {
		k.seen[o.ID] = o
	}
	k.learnKeys(o)
}

// hold keeps a key change for approval, through q: inside the sync engine's
// import transaction it lands with the import (or, rolled back, is held again
// at the next sync); a second connection would wait for that transaction's
// write lock, which waits for Verify.
func (k *Keyring) hold(q data.Querier, o *data.Organisation, body []byte, signer *data.Key) {
	if body == nil {
		b, err := data.Encode(o)
		if err != nil {
			k.logf("trust: cannot keep the key change of %s for approval: %v", o.ID, err)
			return
		}
		body = b
	}
	p := pendingRow{org: o.ID, updated: fmtTime(o.Updated), signer: signer.ID, body: string(body), seen: fmtTime(data.Now())}
	if err := savePending(q, p); err != nil {
		k.logf("trust: cannot keep the key change of %s for approval: %v", p.org, err)
	}
}

// fmtTime writes times as the store does, so that text order is time order.
func fmtTime(t time.Time) string { return data.FormatTime(t) }
