package export

import "vademecum/data"

// labels are the words an export adds around the content, in each export language.
var labels = map[string]data.Text{
	"subtitle": {
		"en": "Digital tools and how-to guides for social work",
		"it": "Strumenti digitali e guide pratiche per il lavoro sociale",
		"es": "Herramientas digitales y guías prácticas para el trabajo social",
		"pl": "Narzędzia cyfrowe i poradniki dla pracy socjalnej",
		"cs": "Digitální nástroje a návody pro sociální práci",
		"fr": "Outils numériques et guides pratiques pour le travail social",
	},
	"language": {
		"en": "English", "it": "Italiano", "es": "Español", "pl": "Polski", "cs": "Čeština", "fr": "Français",
	},
	"contents": {
		"en": "Contents", "it": "Indice", "es": "Índice", "pl": "Spis treści", "cs": "Obsah", "fr": "Sommaire",
	},
	"toolkit": {
		"en": "Toolkit", "it": "Strumenti", "es": "Herramientas", "pl": "Narzędzia", "cs": "Nástroje", "fr": "Outils",
	},
	"guides": {
		"en": "How-to guides", "it": "Guide pratiche", "es": "Guías prácticas", "pl": "Poradniki", "cs": "Návody",
		"fr": "Guides pratiques",
	},
	"practices": {
		"en": "Shared practices", "it": "Buone pratiche condivise", "es": "Buenas prácticas compartidas",
		"pl": "Udostępnione dobre praktyki", "cs": "Sdílené dobré praxe", "fr": "Bonnes pratiques partagées",
	},
	"other": {
		"en": "Other tools", "it": "Altri strumenti", "es": "Otras herramientas", "pl": "Inne narzędzia",
		"cs": "Další nástroje", "fr": "Autres outils",
	},
	"licence": {
		"en": "Licence", "it": "Licenza", "es": "Licencia", "pl": "Licencja", "cs": "Licence", "fr": "Licence",
	},
	"open_source": {
		"en": "open source", "it": "open source", "es": "código abierto", "pl": "open source", "cs": "open source",
		"fr": "logiciel libre",
	},
	"cost": {"en": "Cost", "it": "Costo", "es": "Coste", "pl": "Koszt", "cs": "Cena", "fr": "Coût"},
	// Costs, as the toolkit words them (see translateTerms); licence words are
	// the catalogue's (assets.FactText), as in the app and the CLI.
	"cost: free":       {"en": "free", "it": "gratuito", "es": "gratuito", "pl": "bezpłatne", "cs": "zdarma", "fr": "gratuit"},
	"cost: paid":       {"en": "paid", "it": "a pagamento", "es": "de pago", "pl": "płatne", "cs": "placené", "fr": "payant"},
	"cost: paid plans": {"en": "paid plans", "it": "piani a pagamento", "es": "planes de pago", "pl": "płatne plany", "cs": "placené tarify", "fr": "offres payantes"},
	"cost: free tier":  {"en": "free tier", "it": "versione gratuita", "es": "plan gratuito", "pl": "plan bezpłatny", "cs": "bezplatná verze", "fr": "offre gratuite"},
	"cost: hosted plans": {
		"en": "hosted plans", "it": "piani in hosting a pagamento", "es": "planes alojados de pago", "pl": "płatny hosting",
		"cs": "placený hosting", "fr": "offres hébergées payantes",
	},
	"cost: free for non-profits": {
		"en": "free for non-profits", "it": "gratuito per il non profit", "es": "gratuito para entidades sin ánimo de lucro",
		"pl": "bezpłatne dla organizacji pozarządowych", "cs": "zdarma pro neziskové organizace", "fr": "gratuit pour les associations",
	},
	"cost: free for eligible non-profits": {
		"en": "free for eligible non-profits", "it": "gratuito per gli enti non profit idonei",
		"es": "gratuito para entidades sin ánimo de lucro que cumplan los requisitos",
		"pl": "bezpłatne dla uprawnionych organizacji pozarządowych", "cs": "zdarma pro oprávněné neziskové organizace",
		"fr": "gratuit pour les associations éligibles",
	},
	"cost: non-profit offers": {
		"en": "non-profit offers", "it": "offerte per il non profit", "es": "ofertas para entidades sin ánimo de lucro",
		"pl": "oferty dla organizacji pozarządowych", "cs": "nabídky pro neziskové organizace", "fr": "offres pour les associations",
	},
	"cost: free for humanitarian organisations": {
		"en": "free for humanitarian organisations", "it": "gratuito per le organizzazioni umanitarie",
		"es": "gratuito para organizaciones humanitarias", "pl": "bezpłatne dla organizacji humanitarnych",
		"cs": "zdarma pro humanitární organizace", "fr": "gratuit pour les organisations humanitaires",
	},
	"cost: free for citizens": {
		"en": "free for citizens", "it": "gratuito per i cittadini", "es": "gratuito para la ciudadanía",
		"pl": "bezpłatne dla obywateli", "cs": "zdarma pro občany", "fr": "gratuit pour les citoyens",
	},
	"cost: free for bank clients": {
		"en": "free for bank clients", "it": "gratuito per i clienti della banca", "es": "gratuito para clientes del banco",
		"pl": "bezpłatne dla klientów banku", "cs": "zdarma pro klienty banky", "fr": "gratuit pour les clients de la banque",
	},
	"cost: fee for the card": {
		"en": "fee for the card", "it": "costo della carta", "es": "tasa por la tarjeta", "pl": "opłata za kartę",
		"cs": "poplatek za kartu", "fr": "carte payante",
	},
	"cost: free from most providers": {
		"en": "free from most providers", "it": "gratuito con la maggior parte dei gestori",
		"es": "gratuito con la mayoría de los proveedores", "pl": "bezpłatne u większości dostawców",
		"cs": "zdarma u většiny poskytovatelů", "fr": "gratuit chez la plupart des fournisseurs",
	},
	"platforms": {
		"en": "Platforms", "it": "Piattaforme", "es": "Plataformas", "pl": "Platformy", "cs": "Platformy",
		"fr": "Plateformes",
	},
	"offline": {
		"en": "Works offline", "it": "Funziona offline", "es": "Funciona sin conexión", "pl": "Działa offline",
		"cs": "Funguje offline", "fr": "Fonctionne hors ligne",
	},
	"offline_yes":    {"en": "Yes", "it": "Sì", "es": "Sí", "pl": "Tak", "cs": "Ano", "fr": "Oui"},
	"offline_partly": {"en": "Partly", "it": "In parte", "es": "En parte", "pl": "Częściowo", "cs": "Částečně", "fr": "En partie"},
	"offline_no":     {"en": "No", "it": "No", "es": "No", "pl": "Nie", "cs": "Ne", "fr": "Non"},
	"level":          {"en": "Level", "it": "Livello", "es": "Nivel", "pl": "Poziom", "cs": "Úroveň", "fr": "Niveau"},
	"level_foundation": {
		"en": "Foundation", "it": "Base", "es": "Básico", "pl": "Podstawowy", "cs": "Základní", "fr": "Fondamental",
	},
	"level_intermediate": {
		"en": "Intermediate", "it": "Intermedio", "es": "Intermedio", "pl": "Średniozaawansowany",
		"cs": "Středně pokročilá", "fr": "Intermédiaire",
	},
	"level_advanced": {
		"en": "Advanced", "it": "Avanzato", "es": "Avanzado", "pl": "Zaawansowany", "cs": "Pokročilá", "fr": "Avancé",
	},
	"website": {
		"en": "Website", "it": "Sito web", "es": "Sitio web", "pl": "Strona internetowa", "cs": "Webové stránky",
		"fr": "Site web",
	},
	"competences": {
		"en": "DigComp competences", "it": "Competenze DigComp", "es": "Competencias DigComp",
		"pl": "Kompetencje DigComp", "cs": "Kompetence DigComp", "fr": "Compétences DigComp",
	},
	"description": {
		"en": "Description", "it": "Descrizione", "es": "Descripción", "pl": "Opis", "cs": "Popis", "fr": "Description",
	},
	"use_cases": {
		"en": "Use cases", "it": "Casi d'uso", "es": "Casos de uso", "pl": "Przykłady użycia",
		"cs": "Příklady použití", "fr": "Cas d'usage",
	},
	"data_protection": {
		"en": "Data protection", "it": "Protezione dei dati", "es": "Protección de datos", "pl": "Ochrona danych",
		"cs": "Ochrana údajů", "fr": "Protection des données",
	},
	"alternatives": {
		"en": "Alternatives", "it": "Alternative", "es": "Alternativas", "pl": "Alternatywy", "cs": "Alternativy",
		"fr": "Alternatives",
	},
	"in_english": {
		"en": "in English", "it": "in inglese", "es": "en inglés", "pl": "po angielsku", "cs": "v angličtině",
		"fr": "en anglais",
	},
	"fallback_note": {
		"en": "Texts not yet translated are given in English.",
		"it": "I testi non ancora tradotti sono riportati in inglese.",
		"es": "Los textos aún no traducidos se muestran en inglés.",
		"pl": "Teksty, które nie zostały jeszcze przetłumaczone, podano po angielsku.",
		"cs": "Texty, které ještě nejsou přeložené, jsou uvedeny v angličtině.",
		"fr": "Les textes pas encore traduits sont donnés en anglais.",
	},
	"digcomp_note": {
		"en": "Competence codes (1.1–5.4) refer to DigComp 2.2, the EU Digital Competence Framework for Citizens.",
		"it": "I codici delle competenze (1.1–5.4) si riferiscono a DigComp 2.2, il Quadro europeo delle competenze digitali per i cittadini.",
		"es": "Los códigos de competencia (1.1–5.4) remiten a DigComp 2.2, el Marco Europeo de Competencias Digitales para la Ciudadanía.",
		"pl": "Kody kompetencji (1.1–5.4) odnoszą się do DigComp 2.2, europejskiej ramy kompetencji cyfrowych obywateli.",
		"cs": "Kódy kompetencí (1.1–5.4) odkazují na DigComp 2.2, evropský rámec digitálních kompetencí občanů.",
		"fr": "Les codes de compétence (1.1–5.4) renvoient à DigComp 2.2, le cadre européen des compétences numériques pour les citoyens.",
	},
	"steps": {"en": "Steps", "it": "Passi", "es": "Pasos", "pl": "Kroki", "cs": "Postup", "fr": "Étapes"},
	"tools_used": {
		"en": "Tools used", "it": "Strumenti usati", "es": "Herramientas utilizadas", "pl": "Użyte narzędzia",
		"cs": "Použité nástroje", "fr": "Outils utilisés",
	},
	"summary": {"en": "Summary", "it": "Sintesi", "es": "Resumen", "pl": "Streszczenie", "cs": "Shrnutí", "fr": "Résumé"},
	"context": {
		"en": "Context and problem", "it": "Contesto e problema", "es": "Contexto y problema", "pl": "Kontekst i problem",
		"cs": "Kontext a problém", "fr": "Contexte et problème",
	},
	"target_group": {
		"en": "Target group", "it": "Destinatari", "es": "Grupo destinatario", "pl": "Grupa docelowa",
		"cs": "Cílová skupina", "fr": "Public cible",
	},
	"objectives": {"en": "Objectives", "it": "Obiettivi", "es": "Objetivos", "pl": "Cele", "cs": "Cíle", "fr": "Objectifs"},
	"activities": {
		"en": "How it works", "it": "Come funziona", "es": "Cómo funciona", "pl": "Jak to działa", "cs": "Jak to funguje",
		"fr": "Comment ça marche",
	},
	"resources": {"en": "Resources", "it": "Risorse", "es": "Recursos", "pl": "Zasoby", "cs": "Zdroje", "fr": "Ressources"},
	"results":   {"en": "Results", "it": "Risultati", "es": "Resultados", "pl": "Rezultaty", "cs": "Výsledky", "fr": "Résultats"},
	"lessons": {
		"en": "Lessons learned", "it": "Lezioni apprese", "es": "Lecciones aprendidas", "pl": "Wnioski",
		"cs": "Poučení", "fr": "Enseignements",
	},
	"transferability": {
		"en": "Transferability", "it": "Trasferibilità", "es": "Transferibilidad", "pl": "Możliwość przeniesienia",
		"cs": "Přenositelnost", "fr": "Transférabilité",
	},
	"tags":     {"en": "Tags", "it": "Tag", "es": "Etiquetas", "pl": "Tagi", "cs": "Štítky", "fr": "Mots-clés"},
	"comments": {"en": "Comments", "it": "Commenti", "es": "Comentarios", "pl": "Komentarze", "cs": "Komentáře", "fr": "Commentaires"},
	"search": {
		"en": "Search tools, guides and practices", "it": "Cerca strumenti, guide e pratiche",
		"es": "Buscar herramientas, guías y prácticas", "pl": "Szukaj narzędzi, poradników i praktyk",
		"cs": "Hledat nástroje, návody a praxe", "fr": "Rechercher outils, guides et pratiques",
	},
	"no_results": {
		"en": "No results", "it": "Nessun risultato", "es": "Sin resultados", "pl": "Brak wyników",
		"cs": "Žádné výsledky", "fr": "Aucun résultat",
	},
	"exported": {
		"en": "Exported on", "it": "Esportato il", "es": "Exportado el", "pl": "Wyeksportowano", "cs": "Exportováno",
		"fr": "Exporté le",
	},
	"page": {"en": "Page", "it": "Pagina", "es": "Página", "pl": "Strona", "cs": "Strana", "fr": "Page"},
	"kind_tool": {
		"en": "Tool", "it": "Strumento", "es": "Herramienta", "pl": "Narzędzie", "cs": "Nástroj", "fr": "Outil",
	},
	"kind_guide": {"en": "Guide", "it": "Guida", "es": "Guía", "pl": "Poradnik", "cs": "Návod", "fr": "Guide"},
	"kind_practice": {
		"en": "Practice", "it": "Pratica", "es": "Práctica", "pl": "Praktyka", "cs": "Praxe", "fr": "Pratique",
	},
}

// label returns the label key in lang, or in English.
func label(lang, key string) string {
	s, _ := labels[key].In(lang)
	return s
}
