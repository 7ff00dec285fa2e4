// Package assets owns the content embedded in the app: the toolkit (tools, guides,
// categories, the DigComp 2.2 framework), the self-check's questions (selfcheck/)
// and the interface translations. A shelter with no internet has all of it from
// the first start.
package assets
