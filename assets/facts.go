package assets

import "strings"

// Fact is a kind of fact about a tool or guide whose value the toolkit writes
// in English words (tools/*.json "cost", "licence", "platforms", "offline",
// "level").
type Fact int

// The facts FactText words.
const (
	FactCost Fact = iota
	FactLicence
	FactPlatform
	FactOffline
	FactLevel
)

// FactText words the value v of a fact in a person's language. X looks a
// catalogue key up and returns its text (the English given when the catalogue
// lacks it): lang.X in the app, the CLI's words. A value the catalogue has no
// word for is a name (GPL-3.0, Android) and stays as written. A licence is
// worded part by part: "proprietary server / GPL-3.0 (apps)".
func FactText(kind Fact, v string, X func(key, english string) string) string {
	if kind != FactLicence {
		return factWord(kind, v, X)
	}
	parts := strings.Split(v, " / ")
	for i, p := range parts {
		if open := strings.LastIndex(p, " ("); open > 0 && strings.HasSuffix(p, ")") {
			parts[i] = factWord(kind, p[:open], X) + " (" + factWord(kind, p[open+2:len(p)-1], X) + ")"
		} else {
			parts[i] = factWord(kind, p, X)
		}
	}
	return strings.Join(parts, " / ")
}

// HasFactWord reports whether the catalogue words v (FactText would not
// return it as written).
func HasFactWord(kind Fact, v string) bool {
	return factWord(kind, v, func(string, string) string { return "\x00" }) == "\x00"
}

func factWord(kind Fact, v string, X func(key, english string) string) string {
	w := strings.ToLower(strings.TrimSpace(v))
	switch kind {
	case FactCost:
		switch w {
		case "free":
			return X("tool.cost.free", "Free")
		case "free / paid", "free / paid plans", "free tier / paid":
			return X("tool.cost.free_paid", "Free, with paid plans")
		case "free / hosted plans":
			return X("tool.cost.free_hosted", "Free; hosting by the makers is paid")
		case "free for eligible non-profits", "free tier / free for non-profits", "free tier / non-profit offers":
			return X("tool.cost.nonprofit", "Free or discounted for non-profits")
		case "free for humanitarian organisations":
			return X("tool.cost.humanitarian", "Free for humanitarian organisations")
		case "fee for the card":
			return X("tool.cost.card_fee", "A fee for the card")
		case "free from most providers / paid":
			return X("tool.cost.most_providers", "Free from most providers, paid from others")
		case "free for bank clients":
			return X("tool.cost.bank_clients", "Free for the bank's clients")
		case "free for citizens":
			return X("tool.cost.citizens", "Free for citizens")
		}
	case FactLicence:
		switch w {
		case "proprietary":
			return X("tool.licence.proprietary", "proprietary")
		case "proprietary server":
			return X("tool.licence.proprietary_server", "proprietary server")
		case "public service":
			return X("tool.licence.public_service", "public service")
		case "non-profit service":
			return X("tool.licence.nonprofit_service", "non-profit service")
		case "apps":
			return X("tool.licence.apps", "apps")
		case "open core":
			return X("tool.licence.open_core", "open core")
		}
	case FactPlatform:
		switch w {
		case "web":
			return X("tool.platform.web", "web")
		case "phone":
			return X("tool.platform.phone", "phone")
		case "chat":
			return X("tool.platform.chat", "chat")
		case "card":
			return X("tool.platform.card", "card")
		case "e-mail":
			return X("tool.platform.email", "e-mail")
		}
	case FactOffline:
		switch w {
		case "yes":
			return X("tool.offline.yes", "Yes")
		case "partly":
			return X("tool.offline.partly", "Partly")
		case "no":
			return X("tool.offline.no", "No, it needs the internet")
		}
	case FactLevel:
		switch w {
		case "foundation":
			return X("tool.level.foundation", "Foundation")
		case "intermediate":
			return X("tool.level.intermediate", "Intermediate")
		case "advanced":
			return X("tool.level.advanced", "Advanced")
		}
	}
	return v
}
