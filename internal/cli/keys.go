package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/ciamadvisor/advisor/internal/store"
)

// maxKeyName is the longest key name, in characters.
const maxKeyName = 100

func keysCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Create, list and revoke the API keys of the JSON API",
		Long: "API keys give consultants and editors access to stored assessments in the JSON API.\n" +
			"The token is printed once, when the key is created; the database keeps only its SHA-256.",
		Args: cobra.NoArgs,
	}
	cmd.PersistentFlags().String("database", "advisor.db", "SQLite file path, or a postgres:// URL")
	cmd.AddCommand(keysCreateCmd(), keysListCmd(), keysRevokeCmd())
	return cmd
}

func keysCreateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "create --name NAME --role consultant|editor",
		Short: "Create an API key and print its token, once",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load(cmd)
			if err != nil {
				return err
			}
			if err := checkKeyName(cfg.Name); err != nil {
				return usageError(err)
			}
			if cfg.Role == "" {
				return usageError(errors.New("--role is required: consultant (stored assessments) or editor (also the content's reload errors)"))
			}
			return withStore(cmd.Context(), cfg, func(st store.Store) error {
				token, hash := store.NewToken()
				k := &store.Key{Name: cfg.Name, Role: cfg.Role, Hash: hash}
				err := st.CreateKey(cmd.Context(), k)
				if errors.Is(err, store.ErrConflict) {
					return checkError(fmt.Errorf("a key named %q exists already (revoked keys keep their names); choose another name", cfg.Name))
				}
				if err != nil {
					return checkError(err)
				}
				fmt.Fprintln(cmd.OutOrStdout(), token)
				fmt.Fprintf(cmd.ErrOrStderr(), "Created %s key %s named %q. Its token is shown only this once: store it now.\n", k.Role, k.ID, k.Name)
				return nil
			})
		},
	}
	cmd.Flags().String("name", "", "a name for the key, unique, such as the consultant's name")
	cmd.Flags().String("role", "", "consultant or editor")
	return cmd
}

// checkKeyName refuses names that would be ambiguous or unreadable in `keys list` and
// `keys revoke`.
func checkKeyName(name string) error {
	switch {
	case name == "":
		return errors.New("--name is required: a unique name for the key, such as the consultant's name")
	case utf8.RuneCountInString(name) > maxKeyName:
		return fmt.Errorf("--name: at most %d characters", maxKeyName)
	case strings.HasPrefix(name, "key_"):
		return fmt.Errorf("--name %q: names may not start with key_, which key IDs do", name)
	case strings.TrimSpace(name) != name:
		return fmt.Errorf("--name %q: no spaces at the start or end", name)
	case strings.ContainsFunc(name, unicode.IsControl):
		return fmt.Errorf("--name %q: no control characters", name)
	}
	return nil
}

// keyJSON is a key as `keys list --format json` prints it: never its hash.
type keyJSON struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at"`
}

func keysListCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the API keys: ID, name, role, when created and when revoked",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load(cmd)
			if err != nil {
				return err
			}
			if cfg.Format != "text" && cfg.Format != "json" {
				return usageError(fmt.Errorf("--format %q: want text or json", cfg.Format))
			}
			return withStore(cmd.Context(), cfg, func(st store.Store) error {
				keys, err := st.ListKeys(cmd.Context())
				if err != nil {
					return checkError(err)
				}
				if cfg.Format == "json" {
					return listKeysJSON(cmd.OutOrStdout(), keys)
				}
				if len(keys) == 0 {
					fmt.Fprintln(cmd.ErrOrStderr(), "No API keys yet; make one with: advisor keys create --name NAME --role consultant")
					return nil
				}
				return listKeysText(cmd.OutOrStdout(), keys)
			})
		},
	}
	cmd.Flags().String("format", "text", "output format: text or json")
	return cmd
}

func listKeysText(w io.Writer, keys []store.Key) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tCREATED\tREVOKED")
	const layout = "2006-01-02 15:04 UTC"
	for _, k := range keys {
		revoked := "-"
		if k.RevokedAt != nil {
			revoked = k.RevokedAt.UTC().Format(layout)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Role, k.CreatedAt.UTC().Format(layout), revoked)
	}
	return tw.Flush()
}

func listKeysJSON(w io.Writer, keys []store.Key) error {
	out := make([]keyJSON, len(keys))
	for i, k := range keys {
		out[i] = keyJSON{ID: k.ID, Name: k.Name, Role: k.Role, CreatedAt: k.CreatedAt, RevokedAt: k.RevokedAt}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func keysRevokeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "revoke ID|NAME",
		Short: "Revoke an API key at once; it stays listed, marked revoked",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := load(cmd)
			if err != nil {
				return err
			}
			return withStore(cmd.Context(), cfg, func(st store.Store) error {
				err := st.RevokeKey(cmd.Context(), args[0])
				if errors.Is(err, store.ErrNotFound) {
					return checkError(fmt.Errorf("no key has the ID or name %q; advisor keys list shows them", args[0]))
				}
				if err != nil {
					return checkError(err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Revoked key %s.\n", args[0])
				return nil
			})
		},
	}
}

// withStore opens the database named by --database, runs fn and closes it. A database that
// cannot be opened is bad input, as for serve.
func withStore(ctx context.Context, cfg *Config, fn func(store.Store) error) error {
	st, err := store.Open(ctx, cfg.Database)
	if err != nil {
		return usageError(fmt.Errorf("database %q: %w", redact(cfg.Database), err))
	}
	defer st.Close()
	return fn(st)
}
