package questionnaire

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Numbers have one grammar: JSON's (an optional minus, digits without a leading zero, an
// optional fraction, an optional exponent). Answers in JSON arrive in it; a number typed into
// a form is first normalised into it by ParseNumberText, which understands what people type
// ("40,000", "40 000", "1.2M", "+5", "012", ".5") and refuses, saying why, what it cannot read
// without guessing ("12.500" in a question that takes decimals). Either way the value then
// passes the same checks: whole or not, within the question's range, within Limit.

// Limit is the largest magnitude any numeric answer may have unless its question sets a
// tighter range: 2⁵³−1, the largest whole number a float64 holds exactly, so that a count is
// never rounded and no projection built from answers overflows.
const Limit = 1<<53 - 1

// maxNumberText bounds the text of a typed number; a longer one is refused unread.
const maxNumberText = 40

// isJSONNumber reports whether s follows JSON's number grammar exactly (RFC 8259 §6).
func isJSONNumber(s string) bool {
	i, n := 0, len(s)
	digits := func() int {
		start := i
		for i < n && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - start
	}
	if i < n && s[i] == '-' {
		i++
	}
	switch {
	case i < n && s[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < n && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < n && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < n && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == n
}

// numberProblem is a typed number that cannot be read, with the reason in the buyer's words.
func (qn *Question) numberProblem(text, detail string) *Problem {
	return &Problem{Question: qn.ID, Code: "wrong_type", Detail: detail,
		Message: fmt.Sprintf("%s: got %s, want %s: %s", qn.ID, describe(text), qn.expected(), detail)}
}

// ParseNumberText normalises a number as a person types it into a form for question qn into
// JSON's grammar, or says why it cannot. It accepts thousands separators (comma, space,
// apostrophe, underscore, and a dot where it cannot be a decimal point), a leading + sign,
// leading zeros, a bare decimal point (".5", "5."), the suffixes k, M (or m), bn (or b) and
// the words thousand, million and billion, a leading $ for amounts in USD and a trailing % for
// percentages. Whether the value is whole and in range is left to the checks every answer
// passes.
func (qn *Question) ParseNumberText(text string) (json.Number, *Problem) {
	s := strings.TrimSpace(text)
	if len(s) > maxNumberText || !utf8.ValidString(s) {
		return "", qn.numberProblem(text, fmt.Sprintf("This is too long for a number; use at most %d characters.", maxNumberText))
	}
	neg := false
	if r, size := utf8.DecodeRuneInString(s); r == '-' || r == '+' || r == '−' {
		neg = r != '+'
		s = strings.TrimSpace(s[size:])
	}
	if strings.HasPrefix(qn.Unit, "USD") {
		s = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "US$"), "$"))
	}
	if strings.Contains(qn.Unit, "%") {
		s = strings.TrimSpace(strings.TrimSuffix(s, "%"))
	}
	shift, s := multiplier(s)

	// Split off an exponent (as spreadsheets write them: 1.2E+06); not together with a suffix.
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 && shift == 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil || e > 400 || e < -400 {
			return "", qn.numberProblem(text, "Enter the number in digits, for example 40000 or 40k.")
		}
		mant, exp = s[:i], e
	}
	intPart, frac, detail := qn.splitDecimal(mant, shift > 0)
	if detail != "" {
		return "", qn.numberProblem(text, detail)
	}
	intPart = strings.TrimLeft(intPart, "0")

	// Build the exact value and print it in JSON's grammar.
	digits := intPart + frac
	if strings.Trim(digits, "0") == "" {
		return "0", nil
	}
	r, ok := new(big.Rat).SetString(digits + "e" + strconv.Itoa(exp+shift-len(frac)))
	if !ok {
		return "", qn.numberProblem(text, "Enter the number in digits, for example 40000 or 40k.")
	}
	if neg {
		r.Neg(r)
	}
	if r.IsInt() {
		return json.Number(r.Num().String()), nil
	}
	f, _ := r.Float64()
	if f == 0 { // too small to tell from zero
		return "0", nil
	}
	return json.Number(strconv.FormatFloat(f, 'f', -1, 64)), nil
}

// multiplier removes a trailing k, M, bn or word and returns the power of ten it stands for.
func multiplier(s string) (int, string) {
	lower := strings.ToLower(s)
	for _, m := range []struct {
		suffix string
		shift  int
	}{
		{"thousand", 3}, {"million", 6}, {"billion", 9},
		{"bn", 9}, {"mn", 6}, {"k", 3}, {"m", 6}, {"b", 9},
	} {
		if strings.HasSuffix(lower, m.suffix) {
			rest := strings.TrimSpace(s[:len(s)-len(m.suffix)])
			if rest != "" && strings.ContainsAny(rest[len(rest)-1:], "0123456789.") {
				return m.shift, rest
			}
		}
	}
	return 0, s
}

// splitDecimal reads digits with separators into the whole and fractional digits, deciding
// which mark is the decimal point. scaled says a suffix follows, which makes a single dot a
// decimal point ("1.2M"). detail is set when the text cannot be read without guessing.
func (qn *Question) splitDecimal(s string, scaled bool) (intPart, frac, detail string) {
	const digitsOnly = "Enter the number in digits, for example 40000 or 40k."
	// Spaces (including the no-break ones), apostrophes and underscores only ever group.
	var b strings.Builder
	dots, commas := 0, 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '.':
			dots++
			b.WriteRune(r)
		case r == ',':
			commas++
			b.WriteRune(r)
		case r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\'' || r == '’' || r == '_':
			b.WriteByte(' ')
		default:
			return "", "", digitsOnly
		}
	}
	s = b.String()
	if strings.Trim(s, " .,") == "" {
		return "", "", digitsOnly
	}

	decimal := byte(0) // the decimal mark, if any
	switch {
	case dots > 0 && commas > 0:
		// Both: the last one is the decimal mark (1,234.5 or 1.234,5), and it appears once.
		decimal = '.'
		if strings.LastIndexByte(s, ',') > strings.LastIndexByte(s, '.') {
			decimal = ','
		}
		if strings.Count(s, string(decimal)) > 1 {
			return "", "", "Use one decimal point at most, for example 1,234.5."
		}
	case commas > 0:
		// Commas group thousands; a decimal comma could be a typo for a grouping one.
		if commas == 1 && !groupedInThrees(s, ',') {
			return "", "", "Write decimals with a dot (12.5) and group thousands in threes (40,000)."
		}
	case dots == 1:
		after := s[strings.IndexByte(s, '.')+1:]
		lead := strings.TrimSpace(s[:strings.IndexByte(s, '.')])
		// A dot can group only if what it splits looks grouped: 1.000, 12 345.678.
		grouping := len(after) == 3 && strings.Trim(lead, "0 ") != "" && groupedInThrees(lead+" "+after, ' ')
		switch {
		case scaled || !grouping:
			decimal = '.'
		case qn.Type == Integer:
			// A whole number: "40.000" can only be forty thousand.
		default:
			return "", "", fmt.Sprintf("%s could mean %s or %s: write it without the dot, or with a comma (%s,%s), or with fewer decimals.",
				strconv.Quote(strings.TrimSpace(s)), lead+"."+strings.TrimRight(after, "0"), lead+after, lead, after)
		}
	}

	whole, fraction := s, ""
	if decimal != 0 {
		i := strings.IndexByte(s, decimal)
		whole, fraction = s[:i], s[i+1:]
	}
	if strings.ContainsAny(fraction, " .,") {
		return "", "", "Group digits only before the decimal point."
	}
	// What is left of the whole part is digits in groups.
	group := byte(0)
	for _, sep := range []byte{',', '.', ' '} {
		if sep != decimal && strings.IndexByte(whole, sep) >= 0 {
			if group != 0 && !(group == ' ' || sep == ' ') {
				return "", "", "Use one kind of thousands separator, for example 1,000,000."
			}
			group = sep
		}
	}
	if group != 0 {
		norm := strings.NewReplacer(",", " ", ".", " ").Replace(whole)
		if !groupedInThrees(strings.TrimSpace(norm), ' ') {
			return "", "", "Group the digits in threes, for example 1,000,000."
		}
		whole = strings.ReplaceAll(norm, " ", "")
	}
	if whole == "" && fraction == "" {
		return "", "", digitsOnly
	}
	return whole, fraction, ""
}

// groupedInThrees reports whether s is digits in groups split by sep: the first group of one
// to three digits, every other of exactly three.
func groupedInThrees(s string, sep byte) bool {
	parts := strings.Split(s, string(sep))
	for i, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" || len(p) > 3 || (i > 0 && len(p) != 3) {
			return false
		}
	}
	return true
}

// groupInt writes a whole number with thousands separators: 40000 → "40,000".
func groupInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// FormatNumber writes a number for people: thousands grouped, no exponent, no trailing zeros.
func FormatNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) <= Limit {
		return groupInt(int64(f))
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
