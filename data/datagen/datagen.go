// Package datagen makes realistic journals for benchmarks, soak tests and demos:
// practices from the ten partner organisations, written in six languages, with
// tags, tools and comments. The same seed always yields the same journal.
package datagen

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"vademecum/data"
)

// Org is an organisation that writes practices.
type Org struct{ ID, Country, Lang string }

// Orgs are the ten partners, each writing in its main language (Belgium in French).
var Orgs = []Org{
	{"opengroup-it", "IT", "it"}, {"aspbologna-it", "IT", "it"}, {"fiopsd-it", "IT", "it"},
	{"streetwork-cz", "CZ", "cs"}, {"diesis-be", "BE", "fr"}, {"feantsa-be", "BE", "en"},
	{"documenta-es", "ES", "es"}, {"eapn-cantabria-es", "ES", "es"}, {"pmff-pl", "PL", "pl"},
	{"san-pl", "PL", "pl"},
}

// Words per language, from the vocabulary of social work: enough variety for
// realistic term frequencies in search.
var words = map[string][]string{
	"en": strings.Fields(`shelter night outreach street young people migrants homeless volunteers phone
		smartphone digital literacy training workshop interpreter video call appointment documents
		identity card residence permit health card housing job search email password account
		privacy consent data protection safe storage backup translation map service directory
		food bank day centre drop-in counselling legal advice asylum caseworker team coordinator
		weekly meeting checklist group session peer support trust confidentiality wifi connection
		charger battery tablet laptop library community partner municipality funding report`),
	"it": strings.Fields(`accoglienza notturna strada giovani migranti persone senza dimora volontari
		telefono competenze digitali formazione laboratorio mediatore videochiamata appuntamento
		documenti carta identità permesso di soggiorno tessera sanitaria casa ricerca lavoro posta
		password account riservatezza consenso protezione dati archivio sicuro traduzione mappa
		servizi mensa centro diurno sportello ascolto consulenza legale asilo operatore équipe
		coordinatrice riunione settimanale gruppo sostegno tra pari fiducia connessione città
		caricabatterie biblioteca comunità partner comune finanziamento relazione perché però`),
	"es": strings.Fields(`albergue noche calle jóvenes migrantes personas sin hogar voluntariado
		teléfono alfabetización digital formación taller intérprete videollamada cita documentos
		tarjeta identidad permiso residencia tarjeta sanitaria vivienda empleo correo contraseña
		cuenta privacidad consentimiento protección datos almacenamiento seguro traducción mapa
		servicios comedor centro de día acompañamiento asesoría jurídica asilo trabajadora equipo
		coordinación reunión semanal grupo apoyo mutuo confianza conexión información trámites`),
	"pl": strings.Fields(`schronisko noc ulica młodzież migranci osoby w kryzysie bezdomności
		wolontariusze telefon umiejętności cyfrowe szkolenie warsztat tłumacz rozmowa wideo wizyta
		dokumenty dowód osobisty karta pobytu ubezpieczenie mieszkanie praca poczta hasło konto
		prywatność zgoda ochrona danych bezpieczne przechowywanie tłumaczenie mapa usługi
		jadłodajnia świetlica poradnictwo pomoc prawna azyl pracownik socjalny zespół koordynatorka
		spotkanie cotygodniowe grupa wsparcie zaufanie łączność żywnościowa Łódź Warszawa`),
	"cs": strings.Fields(`noclehárna noc ulice mladí lidé migranti lidé bez domova dobrovolníci telefon
		digitální gramotnost školení dílna tlumočník videohovor schůzka doklady občanský průkaz
		povolení k pobytu zdravotní pojištění bydlení hledání práce e-mail heslo účet soukromí
		souhlas ochrana údajů bezpečné uložení překlad mapa služby výdejna denní centrum
		poradenství právní pomoc azyl sociální pracovnice tým koordinátor porada skupina podpora
		důvěra připojení terénní práce kontaktní centrum Praha přespávání`),
	"fr": strings.Fields(`hébergement nuit rue jeunes migrants personnes sans abri bénévoles téléphone
		compétences numériques formation atelier interprète appel vidéo rendez-vous documents
		carte identité titre de séjour mutuelle logement emploi courriel mot de passe compte
		confidentialité consentement protection données stockage sécurisé traduction carte
		services restaurant social accueil de jour permanence conseil juridique asile travailleuse
		équipe coordinatrice réunion hebdomadaire groupe pair-aidance confiance connexion Bruxelles`),
}

var toolIDs = []string{"signal", "whatsapp", "jitsi-meet", "nextcloud", "libreoffice", "keepassxc",
	"odk-collect", "kobotoolbox", "google-translate", "organic-maps", "kiwix", "moodle", "delta-chat"}

var tags = []string{"digital-inclusion", "homelessness", "migrants", "youth", "streetwork", "privacy",
	"training", "translation", "documents", "housing", "health", "employment", "volunteers", "night"}

// Gen yields practices and comments deterministically.
type Gen struct {
	r    *rand.Rand
	base time.Time
	n    int
}

// New returns a generator for seed.
func New(seed uint64) *Gen {
	return &Gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), base: time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)}
}

// Function words head each language's vocabulary, as in real text.
var stopwords = map[string][]string{
	"en": strings.Fields("the and of to a in for with on is we our at by from that they"),
	"it": strings.Fields("il la di e che per con un una del delle nel sono abbiamo alla gli"),
	"es": strings.Fields("el la de y que en los las con para un una del por se al"),
	"pl": strings.Fields("i w na z do się że nie jest dla od po przez jak to o"),
	"cs": strings.Fields("a v na se s je že do pro k o z jako jsme by to"),
	"fr": strings.Fields("le la de et les des en un une pour avec du dans au que sur"),
}

// syllables build the long tail of each language's vocabulary: rarer words
// (names, places, jargon) that real notes are full of. They give search realistic
// document frequencies: a content word is in a few percent of the notes of its
// language, not in most of them.
var syllables = map[string][]string{
	"en": strings.Fields("ar be con de er for in ing ly man ment or per ro sta ter tion un ver wa"),
	"it": strings.Fields("ca ce ci co da di fa gi la le li lo ma mi no pa pe ri sa si ta te to va zio"),
	"es": strings.Fields("ca ci co da de do ga la le li lo ma me mi na ni pa pe ra re ri sa ta to ción"),
	"pl": strings.Fields("ba ce cz dz go ja ka ko ła li ło ma mi na no pa po ra rz sz ta wa wi za ży"),
	"cs": strings.Fields("ba če do hra je ka ko la le ma mi na ne no pa po ra ře se st ta tě va zá ží"),
	"fr": strings.Fields("ba ce che de di en ge la le lu ma me mo ne on pa pe qu re ri sa té tion vo"),
}

const tailWords = 4000

var vocab = map[string][]string{}

func init() {
	for lang, ws := range words {
		r := rand.New(rand.NewPCG(uint64(len(lang)), 42))
		v := append(append([]string{}, stopwords[lang]...), ws...)
		seen := map[string]bool{}
		syl := syllables[lang]
		for len(v) < len(stopwords[lang])+len(ws)+tailWords {
			n := 2 + r.IntN(3)
			var b strings.Builder
			for range n {
				b.WriteString(syl[r.IntN(len(syl))])
			}
			if w := b.String(); !seen[w] {
				seen[w] = true
				v = append(v, w)
			}
		}
		vocab[lang] = v
	}
}

// word draws a word with Zipf's law over the language's vocabulary: function
// words most often, then the words of social work, then the long tail.
func (g *Gen) word(lang string) string {
	v := vocab[lang]
	// Inverse-CDF sampling of a Zipf (s = 1) rank in [1, len(v)].
	h := math.Log(float64(len(v))) + 0.5772
	rank := int(math.Exp(g.r.Float64()*h - 0.5772))
	if rank < 1 {
		rank = 1
	}
	if rank > len(v) {
		rank = len(v)
	}
	return v[rank-1]
}

func (g *Gen) sentence(lang string, n int) string {
	out := make([]string, n)
	for i := range out {
		out[i] = g.word(lang)
	}
	s := strings.Join(out, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func (g *Gen) para(lang string, sentences int) string {
	ps := make([]string, sentences)
	for i := range ps {
		ps[i] = g.sentence(lang, 6+g.r.IntN(10))
	}
	return strings.Join(ps, " ")
}

// Practice returns the next practice: shared, of one of the ten organisations.
func (g *Gen) Practice() *data.Practice {
	g.n++
	o := Orgs[g.r.IntN(len(Orgs))]
	lang := o.Lang
	if g.r.IntN(5) == 0 {
		lang = "en"
	}
	// About 900 practices a month over eight years at 100,000: month folders of realistic size.
	created := g.base.Add(time.Duration(g.n) * 45 * time.Minute)
	p := &data.Practice{
		Meta: data.Meta{ID: fmt.Sprintf("01900000-%04x-7%03x-8%03x-%012x", g.n>>24&0xffff, g.n>>12&0xfff, g.n&0xfff, g.r.Uint64()&0xffffffffffff),
			Type: data.TypePractice, Org: o.ID, Author: "Staff " + o.ID, Created: created, Updated: created, Lang: lang},
		Title:           g.sentence(lang, 3+g.r.IntN(5)),
		Summary:         g.para(lang, 2),
		Context:         g.para(lang, 3),
		TargetGroup:     g.sentence(lang, 5),
		Objectives:      g.para(lang, 2),
		Activities:      g.para(lang, 4),
		Resources:       g.sentence(lang, 8),
		Results:         g.para(lang, 2),
		Lessons:         g.para(lang, 2),
		Transferability: g.sentence(lang, 10),
		Tools:           []string{toolIDs[g.r.IntN(len(toolIDs))]},
		Tags:            []string{tags[g.r.IntN(len(tags))], tags[g.r.IntN(len(tags))]},
		Country:         o.Country,
		Visibility:      data.Shared,
	}
	if p.Tags[0] == p.Tags[1] {
		p.Tags = p.Tags[:1]
	}
	return p
}

// Comment returns a comment on practice p from another organisation.
func (g *Gen) Comment(p *data.Practice) *data.Comment {
	o := Orgs[g.r.IntN(len(Orgs))]
	t := p.Created.Add(time.Duration(1+g.r.IntN(1000)) * time.Hour)
	return &data.Comment{
		Meta: data.Meta{ID: fmt.Sprintf("01910000-%04x-7%03x-8%03x-%012x", g.n>>24&0xffff, g.n>>12&0xfff, g.n&0xfff, g.r.Uint64()&0xffffffffffff),
			Type: data.TypeComment, Org: o.ID, Author: "Staff " + o.ID, Created: t, Updated: t, Lang: o.Lang},
		Practice: p.ID, Text: g.para(o.Lang, 2), Visibility: data.Shared,
	}
}

// Queries returns n search queries of 1 to 3 words drawn from the vocabulary, in
// the six languages, as people type them (lower case, sometimes without accents).
func (g *Gen) Queries(n, words_ int) []string {
	langs := data.Languages
	out := make([]string, n)
	for i := range out {
		ws := words[langs[g.r.IntN(len(langs))]]
		q := make([]string, words_)
		for j := range q {
			q[j] = ws[g.r.IntN(len(ws))]
		}
		out[i] = strings.ToLower(strings.Join(q, " "))
	}
	return out
}

// Fill writes n practices (and about n/3 comments) into s as hub records, in
// batches of one transaction each.
func Fill(s *data.Store, g *Gen, n int) error {
	const batch = 2000
	for done := 0; done < n; {
		k := min(batch, n-done)
		err := s.Tx(context.Background(), func(tx *data.Tx) error {
			for range k {
				p := g.Practice()
				if err := tx.Put(p, data.PutHub); err != nil {
					return err
				}
				if g.r.IntN(3) == 0 {
					if err := tx.Put(g.Comment(p), data.PutHub); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		done += k
	}
	return nil
}
