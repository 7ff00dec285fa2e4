package app

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"vademecum/data"
)

// usersSection is the part of a tool's page that says which partner
// organisations use it and what they think of it (their usage marks, issue
// 23). It fills itself from the store off the UI goroutine, while the tool
// is still the one shown.
func (s *toolkitScreen) usersSection(id string) *fyne.Container {
	box := container.NewVBox()
	key := s.selected
	s.u.background(func(ctx context.Context) func() {
		marks, err := s.u.store.ListUsage(ctx, id)
		if err != nil || len(marks) == 0 {
			return nil
		}
		return func() {
			if s.selected != key {
				return
			}
			objs := []fyne.CanvasObject{widget.NewSeparator(), subheading(lang.X("tool.used_by", "Partners who use it"))}
			for _, m := range marks {
				objs = append(objs, wrapLabel(s.u.usageLine(m)))
			}
			box.Objects = objs
			box.Refresh()
			s.scroll.Refresh()
		}
	})
	return box
}

// usageLine is one partner's mark: who, where, the verdict, since when, why.
func (u *UI) usageLine(m *data.Usage) string {
	who := u.orgName(m.Org)
	if o, ok := u.orgs[m.Org]; ok && o.Country != "" {
		who += " (" + countryName(o.Country) + ")"
	}
	parts := []string{who + ": " + verdictText(m.Verdict)}
	if m.Since != "" {
		parts = append(parts, lang.X("tool.used_since", "since {{.Since}}", map[string]any{"Since": m.Since}))
	}
	line := strings.Join(parts, ", ")
	if m.Note != "" {
		line += " — " + m.Note
	}
	return line
}

// verdictText is a usage verdict in the interface language.
func verdictText(v string) string {
	switch v {
	case data.VerdictRecommended:
		return lang.X("usage.verdict.recommended", "recommended")
	case data.VerdictReservations:
		return lang.X("usage.verdict.reservations", "with reservations")
	case data.VerdictStopped:
		return lang.X("usage.verdict.stopped", "stopped")
	}
	return v
}

// provenance says, on an entry the network added or changed, who proposed it
// and who accepted it when.
func (u *UI) provenance(p *data.Provenance) []fyne.CanvasObject {
	if p == nil {
		return nil
	}
	return []fyne.CanvasObject{note(lang.X("tool.network", "Added or changed by the network: proposed by {{.By}}, accepted by {{.Editor}} on {{.Date}}.",
		map[string]any{"By": u.orgName(p.ProposedBy), "Editor": u.orgName(p.AcceptedBy), "Date": formatDate(p.Accepted, u.lang)}))}
}
