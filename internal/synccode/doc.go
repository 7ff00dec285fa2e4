// Package synccode holds what the sync reports, as kinds and codes that each
// front end (the app, the CLI, internal/words) words in the person's language
// without importing sync: the kinds of its errors (errors.Is against
// ErrUnreachable, ErrAuth…, carried by *HubError with one English sentence)
// and the reasons it sets a file of a hub aside (Reason… codes with values,
// kept as English text and read back by Explain). sync returns them; the
// English is sync's too, written here so that it has one owner.
package synccode
