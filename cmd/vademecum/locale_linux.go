//go:build linux && cgo

package main

/*
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// Fyne reads the locale while Go initialises its packages, before main runs, and
// logs an error for a locale it cannot parse (C.UTF-8, an unknown language). This
// C constructor runs before Go starts: in that case it runs the app again, once,
// with LANGUAGE=en, so that it starts in English with nothing logged. Plain C and
// POSIX need nothing: Fyne already takes them as English.

// ISO 639-1 codes, which golang.org/x/text knows.
static const char *vademecum_known =
	" aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy"
	" da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu"
	" hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb"
	" lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om"
	" or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw"
	" ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu ";

// vademecum_bad_locale reports whether Fyne would fail to parse one locale entry
// ("it_IT.UTF-8", "C.UTF-8", "xx").
static int vademecum_bad_locale(const char *v, size_t len) {
	char lang[4];
	size_t n = 0;
	while (n < len && v[n] != '_' && v[n] != '.' && v[n] != '@' && v[n] != '-') {
		if (n >= 3) return 1;
		char c = v[n];
		if (c >= 'A' && c <= 'Z') c = c - 'A' + 'a';
		if (c < 'a' || c > 'z') return 1;
		lang[n++] = c;
	}
	if (n == 0) return len > 0;
	if (n == 3) return 0;
	if (n != 2) return 1;
	char key[5] = {' ', lang[0], lang[1], ' ', 0};
	return strstr(vademecum_known, key) == NULL;
}

__attribute__((constructor, used)) static void vademecum_fix_locale(int argc, char **argv, char **envp) {
	(void)argc;
	(void)envp;
	if (argv == NULL || getenv("VADEMECUM_LOCALE_FIXED") != NULL) return;
	const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	const char *loc = NULL;
	for (int i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);
		if (v != NULL && *v != 0) {
			loc = v;
			break;
		}
	}
	if (loc == NULL || strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0) return;
	int bad = 0;
	const char *list = getenv("LANGUAGE");
	if (list != NULL && *list != 0) {
		const char *p = list;
		while (*p) {
			const char *end = strchr(p, ':');
			size_t len = end ? (size_t)(end - p) : strlen(p);
			if (len > 0 && vademecum_bad_locale(p, len)) bad = 1;
			p += len;
			if (*p == ':') p++;
		}
	} else {
		bad = vademecum_bad_locale(loc, strlen(loc));
	}
	if (!bad) return;
	setenv("LANGUAGE", "en", 1);
	setenv("VADEMECUM_LOCALE_FIXED", "1", 1);
	execv("/proc/self/exe", argv);
	// If that fails the app still starts, in English, after Fyne's warning.
}
*/
import "C"
