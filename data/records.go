package data

import (
	"sort"
	"strings"
	"time"
)

// Record types, as stored in the "type" field and used as hub folder names.
const (
	TypeOrg      = "org"
	TypeTool     = "tool"
	TypeGuide    = "guide"
	TypePractice = "practice"
	TypeComment  = "comment"
)

// Visibility of a practice or comment. Only Shared records ever leave the device.
const (
	Draft  = "draft"
	OrgVis = "org"
	Shared = "shared"
)

// Meta is the part every record has. Times are UTC; the JSON form is RFC 3339.
type Meta struct {
	ID      string    `json:"id"`
	Type    string    `json:"type"`
	Org     string    `json:"org"`
	Author  string    `json:"author"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	Lang    string    `json:"lang"`
	Deleted bool      `json:"deleted,omitempty"`
	// Version is the record's signed version counter: its owner increases it
	// on every change, tombstones included, so that an older version can never
	// replace a newer one (0: a record written before hub format 2).
	Version int64 `json:"version,omitempty"`
	// Prev names the version this one was made from (the git blob id of its
	// file in the hub), so that two laptops of the owner that changed a
	// record at once find the version both started from.
	Prev string `json:"prev,omitempty"`
	// Claim binds the id to the owning organisation (see IDBelongsTo): absent
	// in records created before hub format 2.
	Claim string `json:"claim,omitempty"`
	// Settled lists values of this record that a merge of two of its
	// organisation's versions did not keep (settled.go, issue 19).
	Settled []Settled `json:"settled,omitempty"`
	// KeyHash commits to the record's own key (KeyCommitment): a practice or
	// comment shared from hub format 4 on travels sealed with it (seal.go).
	KeyHash string `json:"key_hash,omitempty"`
	Sig     string `json:"sig,omitempty"`
}

// Record is any of Organisation, Tool, Guide, Practice, Comment.
type Record interface {
	Base() *Meta
}

// Base returns the shared fields, so that generic code can reach them.
func (m *Meta) Base() *Meta { return m }

// Text is a text with per-language variants, keyed by ISO 639-1 code ("en", "it", ...).
type Text map[string]string

// In returns the variant in lang, or the English one with fallback=true when lang
// has none, or any variant when neither exists.
func (t Text) In(lang string) (s string, fallback bool) {
	if v, ok := t[lang]; ok && v != "" {
		return v, false
	}
	if v, ok := t["en"]; ok && v != "" {
		return v, lang != "en"
	}
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if t[k] != "" {
			return t[k], true
		}
	}
	return "", false
}

// Key is an installation's public signing key, listed in its organisation's file.
type Key struct {
	ID      string    `json:"id"`               // short fingerprint
	Public  string    `json:"public"`           // base64 ed25519 public key
	Device  string    `json:"device,omitempty"` // a name people recognise ("office laptop")
	Added   time.Time `json:"added"`            // when it was listed
	Revoked time.Time `json:"revoked,omitzero"` // set when a laptop is lost
	// Cert is "<key id>:<signature>" by the key of the laptop that listed this
	// one, over its organisation, id and public key, so that a partner can
	// follow the chain from a key it pinned (trust.Keyring).
	Cert string `json:"cert,omitempty"`
}

// Organisation is a partner organisation.
type Organisation struct {
	Meta
	Name      string   `json:"name"`
	Country   string   `json:"country"` // ISO 3166-1 alpha-2
	City      string   `json:"city,omitempty"`
	Kind      string   `json:"kind,omitempty"`
	Languages []string `json:"languages"` // ISO 639-1
	Keys      []Key    `json:"keys,omitempty"`
}

// Offline values of Tool.Offline.
const (
	OfflineYes    = "yes"
	OfflinePartly = "partly"
	OfflineNo     = "no"
)

// Tool is a toolkit entry: a digital tool useful in social work.
type Tool struct {
	Meta
	Name           Text     `json:"name"`
	Category       string   `json:"category"` // category id, e.g. "messaging"
	Summary        Text     `json:"summary"`
	Description    Text     `json:"description"` // Markdown
	UseCases       Text     `json:"use_cases"`   // Markdown list
	Licence        string   `json:"licence"`
	OpenSource     bool     `json:"open_source"`
	Cost           string   `json:"cost"`
	Platforms      []string `json:"platforms"`
	Offline        string   `json:"offline"` // yes | partly | no
	DataProtection Text     `json:"data_protection"`
	Competences    []string `json:"competences"` // DigComp codes, "1.1".."5.4"
	Level          string   `json:"level"`       // foundation | intermediate | advanced
	Website        string   `json:"website"`
	Alternatives   []string `json:"alternatives"` // tool ids
	// Countries are the ISO 3166-1 codes of the countries where the tool serves
	// (a national e-ID, a helpline); empty means everywhere.
	Countries []string `json:"countries,omitempty"`
	Verified  string   `json:"verified,omitempty"` // YYYY-MM-DD: when its facts were last checked
	Review    string   `json:"review,omitempty"`   // facts an editor should check again (English)
	Retired   string   `json:"retired,omitempty"`  // YYYY-MM: the tool no longer exists; kept so old practices still link
	// Network is set on an entry the partnership added or changed through an
	// accepted proposal (issue 23); it never travels as a record of its own.
	Network *Provenance `json:"network,omitempty"`
}

// ServesCountry reports whether t is for country cc: a tool with no countries
// serves everywhere.
func (t *Tool) ServesCountry(cc string) bool {
	if len(t.Countries) == 0 {
		return true
	}
	for _, c := range t.Countries {
		if strings.EqualFold(c, cc) {
			return true
		}
	}
	return false
}

// Guide is a how-to sheet.
type Guide struct {
	Meta
	Title       Text     `json:"title"`
	Summary     Text     `json:"summary"`
	Steps       Text     `json:"steps"` // Markdown, a numbered list
	Tools       []string `json:"tools"`
	Competences []string `json:"competences"`
	Level       string   `json:"level"`
	// Network: as Tool.Network.
	Network *Provenance `json:"network,omitempty"`
}

// Practice is a good-practice note written by staff.
type Practice struct {
	Meta
	Title           string   `json:"title"`
	Summary         string   `json:"summary"`
	Context         string   `json:"context"`
	TargetGroup     string   `json:"target_group"`
	Objectives      string   `json:"objectives"`
	Activities      string   `json:"activities"`
	Tools           []string `json:"tools"`
	Resources       string   `json:"resources"`
	Results         string   `json:"results"`
	Lessons         string   `json:"lessons"`
	Transferability string   `json:"transferability"`
	Tags            []string `json:"tags"`
	Country         string   `json:"country"`
	Visibility      string   `json:"visibility"` // draft | org | shared
	// Cleared lists privacy findings a person marked as not personal (e.g. a helpline
	// number), as "kind:text"; see the privacy guard.
	Cleared []string `json:"cleared,omitempty"`
	// Attachments are the files that go with the practice (attachments.go).
	Attachments []Attachment `json:"attachments,omitempty"`
}

// Comment is feedback on a practice, from any organisation.
type Comment struct {
	Meta
	Practice   string   `json:"practice"`
	Text       string   `json:"text"`
	Visibility string   `json:"visibility"`
	Cleared    []string `json:"cleared,omitempty"`
}
