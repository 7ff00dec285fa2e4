package assets

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"vademecum/data"
)

//go:embed toolkit/version toolkit/*.json toolkit/tools/*.json toolkit/guides/*.json
var toolkitFS embed.FS

// Category is a toolkit category with its name in each interface language.
type Category struct {
	ID   string    `json:"id"`
	Name data.Text `json:"name"`
}

// Area is one of the five DigComp areas.
type Area struct {
	Code string    `json:"code"`
	Name data.Text `json:"name"`
}

// Competence is one of the 21 DigComp 2.2 competences.
type Competence struct {
	Code        string    `json:"code"`
	Area        string    `json:"area"`
	Name        data.Text `json:"name"`
	Description data.Text `json:"description"`
}

// Level is one of the eight DigComp proficiency levels.
type Level struct {
	Level int       `json:"level"`
	Group string    `json:"group"`
	Name  data.Text `json:"name"`
}

// DigComp is the EU Digital Competence Framework 2.2.
type DigComp struct {
	Areas       []Area       `json:"areas"`
	Competences []Competence `json:"competences"`
	Levels      []Level      `json:"levels"`
}

// Competence returns the competence with code, or false.
func (d *DigComp) Competence(code string) (Competence, bool) {
	for _, c := range d.Competences {
		if c.Code == code {
			return c, true
		}
	}
	return Competence{}, false
}

// Kit is the toolkit shipped with this build.
type Kit struct {
	Version    int
	Tools      []*data.Tool
	Guides     []*data.Guide
	Categories []Category
	DigComp    DigComp
}

// Category returns the category with id, or false.
func (k *Kit) Category(id string) (Category, bool) {
	for _, c := range k.Categories {
		if c.ID == id {
			return c, true
		}
	}
	return Category{}, false
}

// Records returns the tools and guides as records, for seeding a store.
func (k *Kit) Records() []data.Record {
	out := make([]data.Record, 0, len(k.Tools)+len(k.Guides))
	for _, t := range k.Tools {
		out = append(out, t)
	}
	for _, g := range k.Guides {
		out = append(out, g)
	}
	return out
}

var (
	kitOnce sync.Once
	kit     *Kit
	kitErr  error
)

// Toolkit returns the embedded toolkit, parsed once.
func Toolkit() (*Kit, error) {
	kitOnce.Do(func() { kit, kitErr = Load(toolkitFS, "toolkit") })
	return kit, kitErr
}

// Load reads a toolkit from dir in fsys (the embedded one, or another version in tests).
func Load(fsys fs.FS, dir string) (*Kit, error) {
	k := &Kit{}
	v, err := fs.ReadFile(fsys, path.Join(dir, "version"))
	if err != nil {
		return nil, err
	}
	if k.Version, err = strconv.Atoi(strings.TrimSpace(string(v))); err != nil {
		return nil, fmt.Errorf("toolkit version: %w", err)
	}
	if err := readJSON(fsys, path.Join(dir, "categories.json"), &k.Categories); err != nil {
		return nil, err
	}
	if err := readJSON(fsys, path.Join(dir, "digcomp.json"), &k.DigComp); err != nil {
		return nil, err
	}
	for _, sub := range []string{"tools", "guides"} {
		names, err := fs.Glob(fsys, path.Join(dir, sub, "*.json"))
		if err != nil {
			return nil, err
		}
		sort.Strings(names)
		for _, name := range names {
			b, err := fs.ReadFile(fsys, name)
			if err != nil {
				return nil, err
			}
			r, err := data.Decode(b)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			want := strings.TrimSuffix(path.Base(name), ".json")
			if r.Base().ID != want {
				return nil, fmt.Errorf("%s: id %q does not match the file name", name, r.Base().ID)
			}
			switch x := r.(type) {
			case *data.Tool:
				if sub != "tools" {
					return nil, fmt.Errorf("%s: a tool in %s/", name, sub)
				}
				k.Tools = append(k.Tools, x)
			case *data.Guide:
				if sub != "guides" {
					return nil, fmt.Errorf("%s: a guide in %s/", name, sub)
				}
				k.Guides = append(k.Guides, x)
			default:
				return nil, fmt.Errorf("%s: unexpected record type %s", name, r.Base().Type)
			}
		}
	}
	return k, nil
}

func readJSON(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// Seed loads the embedded toolkit into store (first start) or merges a newer one
// into it (app update), keeping what users edited. It returns how many records
// were added or changed.
func Seed(ctx context.Context, store *data.Store) (int, error) {
	// Most starts find the toolkit seeded already: the version alone says so,
	// without decoding the whole toolkit (about 45 ms of every CLI command).
	if b, err := fs.ReadFile(toolkitFS, "toolkit/version"); err == nil {
		want, werr := strconv.Atoi(strings.TrimSpace(string(b)))
		have, herr := store.Setting(data.SettingToolkit)
		if n, nerr := strconv.Atoi(have); werr == nil && herr == nil && nerr == nil && n >= want {
			return 0, nil
		}
	}
	k, err := Toolkit()
	if err != nil {
		return 0, fmt.Errorf("the embedded toolkit is damaged: %w", err)
	}
	return store.SeedToolkit(ctx, k.Version, k.Records())
}
