package invite

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"filippo.io/age"
	qrcode "github.com/skip2/go-qrcode"

	"vademecum/data"
	"vademecum/data/trust"
)

// FileExt is the name ending of invitation files.
const FileExt = ".vademecum-invite"

const (
	magic       = "vademecum-invite:1:"
	magicSecret = "vademecum-invite:1:age:"
	// workFactor is scrypt's log2(N) for the passphrase: 2^16 takes about a
	// quarter of a second and 64 MB, on each try, which a modest laptop bears
	// and a guesser pays for every guess.
	workFactor = 16
	// MinPassphrase is the shortest passphrase accepted, in characters.
	MinPassphrase = 10
	// Tries is how many passphrases Read asks for before it gives up.
	Tries = 3
	// DefaultValidity is how long an invitation is valid when no date is given.
	DefaultValidity = 14 * 24 * time.Hour
	maxFile         = 64 << 10
)

// Hub is the hub an invitation is for.
type Hub struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// From is who signed the invitation.
type From struct {
	Org     string `json:"org"`
	OrgName string `json:"org_name,omitempty"`
	Device  string `json:"device,omitempty"`
	Key     string `json:"key"` // public key, base64
}

// Laptop is what an invitation for a new laptop of the inviting organisation
// brings: the laptop's private key and the organisation file listing it.
type Laptop struct {
	Key     string `json:"key"`      // PKCS#8 PEM
	OrgFile string `json:"org_file"` // the organisation file as signed, canonical JSON
}

// Invitation is what an invitation file says.
type Invitation struct {
	Version int                `json:"v"`
	Hub     Hub                `json:"hub"`
	Token   string             `json:"token,omitempty"`
	From    From               `json:"from"`
	Orgs    []trust.InvitedOrg `json:"orgs"`
	Created time.Time          `json:"created"`
	Expires string             `json:"expires"` // YYYY-MM-DD: valid through that day, UTC
	Laptop  *Laptop            `json:"laptop,omitempty"`

	// Encrypted is set by Read when the file needed a passphrase.
	Encrypted bool `json:"-"`
}

// Fingerprint is the signer's key fingerprint, for reading aloud.
func (inv *Invitation) Fingerprint() string { return trust.FingerprintOf(inv.From.Key) }

// ForNewLaptop reports whether the invitation is for a new laptop of the
// inviting organisation.
func (inv *Invitation) ForNewLaptop() bool { return inv.Laptop != nil }

// Kinds of Error.
type Kind int

const (
	NotInvitation   Kind = iota // not an invitation file
	Tampered                    // changed after it was signed
	WrongPassphrase             // Tries wrong passphrases
	NeedsPassphrase             // encrypted, and no passphrase given
	Expired                     // past its date
	RevokedSigner               // signed by a key revoked here
	UnknownSigner               // signed by a key not known here: confirm its fingerprint
	HubConfigured               // this hub is configured here already
	NotSetUp                    // this installation has no organisation yet (init first)
	OtherOrg                    // a new-laptop invitation for another organisation than this one's
	KeyExists                   // a new-laptop invitation, and this data directory has a key already
	NoHub                       // the inviter has no hub (or not the one named)
	ManyHubs                    // the inviter has several hubs: name one
	BadExpiry                   // the expiry date is malformed or past
	ShortPassphrase             // shorter than MinPassphrase
	NotOwnOrg                   // --org names another organisation than the inviter's
	NotListed                   // the inviter's own key is not listed (or revoked) in its file
	TokenNeedsHTTPS             // a token for a hub that is not https
	TooLargeForQR               // the invitation does not fit in a QR code
	UserRequired                // a new laptop needs the person's name
	SameOrg                     // an organisation invitation used by a laptop of the inviting organisation
)

// Error is an invitation problem, for front ends to word. Error() is the
// English wording the CLI prints.
type Error struct {
	Kind        Kind
	Org         string // the signer's (or named) organisation
	OrgName     string
	Device      string
	Fingerprint string
	Date        string // expiry or revocation date
	Hub         string // name of the hub configured already
}

func (e *Error) Error() string {
	who := e.Org
	if e.OrgName != "" {
		who = e.OrgName + " (" + e.Org + ")"
	}
	switch e.Kind {
	case NotInvitation:
		return "this is not a Vademecum invitation (ask your coordinator for the .vademecum-invite file again)"
	case Tampered:
		return "this invitation was changed after it was signed: it cannot be trusted (ask your coordinator for a new one)"
	case WrongPassphrase:
		return "wrong passphrase: nothing was changed (ask your coordinator to read the passphrase again)"
	case NeedsPassphrase:
		return "this invitation is protected by a passphrase: type the one your coordinator gave you by phone"
	case Expired:
		return fmt.Sprintf("this invitation expired on %s: ask %s for a new one", e.Date, who)
	case RevokedSigner:
		return fmt.Sprintf("this invitation is signed with the key %s of %s, which was revoked on %s: it is refused, nothing was changed (ask %s by phone)", e.Fingerprint, who, e.Date, e.Org)
	case UnknownSigner:
		return fmt.Sprintf("this invitation says it is from %s, signed with the key %s, which is not known here: compare that fingerprint by phone with %s before you trust it", who, e.Fingerprint, e.Org)
	case HubConfigured:
		return fmt.Sprintf("the hub of this invitation is configured here already, as %q: nothing was changed (sync with it)", e.Hub)
	case NotSetUp:
		return "this installation has no organisation yet: set it up first, then join"
	case OtherOrg:
		return fmt.Sprintf("this invitation is for a new laptop of %s, and this installation belongs to another organisation: use a new data directory", who)
	case KeyExists:
		return fmt.Sprintf("this invitation is for a new laptop of %s, and this data directory has a key of its own already: use a new data directory", who)
	case NoHub:
		return "no hub is configured here: add one first, the invitation hands it over"
	case ManyHubs:
		return "several hubs are configured here: say which one"
	case BadExpiry:
		return "the expiry date must be a day in the future, written 2027-01-31"
	case ShortPassphrase:
		return fmt.Sprintf("the passphrase must have at least %d characters", MinPassphrase)
	case NotOwnOrg:
		return fmt.Sprintf("a laptop invites new laptops of its own organisation (%s) only", e.Org)
	case NotListed:
		return fmt.Sprintf("this installation's key is not listed (or is revoked) for %s: invite from a laptop that partners trust", e.Org)
	case TokenNeedsHTTPS:
		return "a token is only used with https:// hubs"
	case TooLargeForQR:
		return "the invitation is too large for a QR code: give the file instead (it was written)"
	case UserRequired:
		return "a new laptop needs the name of the person using it"
	case SameOrg:
		return fmt.Sprintf("this invitation is for another organisation joining the hub, and this installation belongs to %s: a new laptop of %s needs an invitation for a new laptop", who, e.Org)
	}
	return "invitation problem"
}

func fail(k Kind) *Error { return &Error{Kind: k} }

// IsKind reports whether err is an invitation Error of kind k.
func IsKind(err error, k Kind) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == k
}

// Encode signs the invitation with in and returns the file's bytes: one line
// of text, plain, or when passphrase is set, encrypted with it. The payload is
// compressed before it is encoded, so that an invitation to a network of about
// ten organisations still fits in a QR code.
func Encode(inv *Invitation, in *trust.Installation, passphrase string) ([]byte, error) {
	payload, err := data.Canonical(inv)
	if err != nil {
		return nil, err
	}
	sig := trust.SignInvitation(in, payload)
	var packed bytes.Buffer
	zw, _ := flate.NewWriter(&packed, flate.BestCompression)
	zw.Write(payload)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if passphrase == "" {
		return []byte(magic + b64.EncodeToString(packed.Bytes()) + ":" + sig + "\n"), nil
	}
	if len([]rune(passphrase)) < MinPassphrase {
		return nil, fail(ShortPassphrase)
	}
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return nil, err
	}
	r.SetWorkFactor(workFactor)
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		return nil, err
	}
	if _, err := io.WriteString(w, sig+"\n"); err != nil {
		return nil, err
	}
	if _, err := w.Write(packed.Bytes()); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return []byte(magicSecret + b64.EncodeToString(buf.Bytes()) + "\n"), nil
}

// b64 is strict: a changed character never decodes to the same bytes.
var b64 = base64.RawURLEncoding.Strict()

// Encrypted reports whether file is an encrypted invitation.
func Encrypted(file []byte) bool {
	return bytes.HasPrefix(bytes.TrimSpace(file), []byte(magicSecret))
}

// Read opens an invitation file: it asks passphrase (try 1, 2, 3) when the file
// is encrypted, and checks the signature and the content. It changes nothing.
// passphrase returning "" means none is available (NeedsPassphrase).
func Read(file []byte, passphrase func(try int) (string, error)) (*Invitation, error) {
	if len(file) > maxFile {
		return nil, fail(NotInvitation)
	}
	text := string(bytes.TrimSpace(file))
	var packed []byte
	var sig string
	encrypted := false
	if sealed, ok := strings.CutPrefix(text, magicSecret); ok {
		encrypted = true
		ciphertext, err := b64.DecodeString(sealed)
		if err != nil {
			return nil, fail(Tampered)
		}
		var plain []byte
		for try := 1; ; try++ {
			if passphrase == nil {
				return nil, fail(NeedsPassphrase)
			}
			p, err := passphrase(try)
			if err != nil {
				return nil, err
			}
			if p == "" {
				return nil, fail(NeedsPassphrase)
			}
			plain, err = decrypt(ciphertext, p)
			if err == nil {
				break
			}
			var wrong *age.NoIdentityMatchError
			if !errors.As(err, &wrong) {
				return nil, fail(Tampered)
			}
			if try >= Tries {
				return nil, fail(WrongPassphrase)
			}
		}
		line, rest, ok := bytes.Cut(plain, []byte("\n"))
		if !ok {
			return nil, fail(Tampered)
		}
		sig, packed = string(line), rest
	} else if rest, ok := strings.CutPrefix(text, magic); ok {
		enc, s, ok := strings.Cut(rest, ":")
		p, err := b64.DecodeString(enc)
		if !ok || err != nil {
			return nil, fail(Tampered)
		}
		sig, packed = s, p
	} else if strings.HasPrefix(text, "vademecum-invite:") {
		return nil, fail(Tampered)
	} else {
		return nil, fail(NotInvitation)
	}
	payload, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(packed)), maxFile+1))
	if err != nil || len(payload) > maxFile {
		return nil, fail(Tampered)
	}
	inv, err := parse(payload, sig)
	if err != nil {
		return nil, err
	}
	inv.Encrypted = encrypted
	return inv, nil
}

func decrypt(ciphertext []byte, passphrase string) ([]byte, error) {
	id, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return nil, err
	}
	id.SetMaxWorkFactor(20) // refuses a file that would make each try take minutes
	r, err := age.Decrypt(bytes.NewReader(ciphertext), id)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(io.LimitReader(r, maxFile))
}

// parse checks the signature over the payload, then decodes and checks it.
func parse(payload []byte, sig string) (*Invitation, error) {
	var inv Invitation
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&inv); err != nil || inv.Version != 1 {
		return nil, fail(Tampered)
	}
	if !trust.VerifyInvitation(inv.From.Key, payload, sig) {
		return nil, fail(Tampered)
	}
	if err := check(&inv); err != nil {
		return nil, err
	}
	return &inv, nil
}

// check: what a signed invitation must say to be usable (a signer's bug or a
// forgery signed by a stolen key alike).
func check(inv *Invitation) error {
	if inv.Hub.URL == "" || inv.Hub.Name == "" || inv.From.Org == "" {
		return fail(Tampered)
	}
	if _, err := time.Parse(time.DateOnly, inv.Expires); err != nil {
		return fail(Tampered)
	}
	if trust.CheckInvitedOrgs(inv.Orgs) != nil || !lists(inv.Orgs, inv.From.Org, inv.From.Key) {
		return fail(Tampered)
	}
	if inv.Laptop != nil {
		o, body, err := laptopOrg(inv)
		if err != nil || o.ID != inv.From.Org {
			return fail(Tampered)
		}
		signer, err := trust.CheckOrgFile(o, body)
		if err != nil || signer.Public != inv.From.Key {
			return fail(Tampered)
		}
		pub, err := trust.PublicOfPEM([]byte(inv.Laptop.Key))
		if err != nil || !listsKey(o.Keys, pub) {
			return fail(Tampered)
		}
	}
	return nil
}

func lists(orgs []trust.InvitedOrg, org, public string) bool {
	for _, o := range orgs {
		if o.ID != org {
			continue
		}
		for _, k := range o.Keys {
			if k.Public == public && k.Revoked.IsZero() {
				return true
			}
		}
	}
	return false
}

func listsKey(keys []data.Key, public string) bool {
	for _, k := range keys {
		if k.Public == public && k.Revoked.IsZero() {
			return true
		}
	}
	return false
}

// laptopOrg decodes the organisation file a new-laptop invitation brings.
func laptopOrg(inv *Invitation) (*data.Organisation, []byte, error) {
	body := []byte(inv.Laptop.OrgFile)
	r, err := data.Decode(body)
	if err != nil {
		return nil, nil, err
	}
	o, ok := r.(*data.Organisation)
	if !ok {
		return nil, nil, errors.New("not an organisation file")
	}
	return o, body, nil
}

// expiresAt is the end of the expiry day, UTC.
func (inv *Invitation) expiresAt() time.Time {
	d, _ := time.Parse(time.DateOnly, inv.Expires)
	return d.Add(24 * time.Hour)
}

// QR returns the invitation file as a QR code image (PNG).
func QR(file []byte) ([]byte, error) {
	png, err := qrcode.Encode(string(bytes.TrimSpace(file)), qrcode.Low, 768)
	if err != nil {
		return nil, fail(TooLargeForQR)
	}
	return png, nil
}

// Remote is a hub configured here, by name and address.
type Remote struct{ Name, URL string }
