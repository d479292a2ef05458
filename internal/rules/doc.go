// Package rules compiles and evaluates the rule files in rules/*.yaml.
//
// # Files and order
//
// Rule files are read in lexical order of their names; within a file, derived values and rules
// keep the order they are written in. That order is the evaluation order, and it is also the
// order reasons appear in a recommendation.
//
// # Environment
//
// Every expression is compiled once, at load, against a typed environment built from the
// questionnaire: each question ID is a variable of its declared type (single → string,
// multi → list of strings, integer → int, number → float, boolean → bool). An unanswered
// question holds its type's zero value; the list `answered` holds the IDs that were answered.
// Derived values (the `derived:` list of a rule file) are computed in order before any rule and
// become variables too; a derived value may read questions and earlier derived values. The
// variable `cost` maps each cost model ID to its projection (years[0..2], total, at_3x, each
// with low and high). Vendor tests also see `vendor` (see catalog.VendorEnv). A typo in a name
// or a type error is a load error with file, rule ID, line, column and a caret snippet.
//
// # Rules and effects
//
// A rule has an ID, a `when` condition (a bool expression; omitted means always), a `because`
// sentence the buyer reads, and effects:
//
//   - architecture / approach: points added to a reference architecture or approach;
//   - guides: a guide for the reading path, with the questionnaire step it belongs to, a
//     priority (higher first within a step) and an optional reason (default: because);
//   - warnings: an ID, a severity (info, warning or critical) and a text;
//   - playbooks and next_steps: plans and actions to suggest;
//   - vendors: a test evaluated for every vendor returning "yes", "no" or "unknown". With
//     hard: true, "no" knocks the vendor out (fail is the reason) and "unknown" keeps it with a
//     check to confirm (unsure). With hard: false, "yes" adds weight to the vendor's rank with
//     pass as a reason, "no" subtracts weight with fail as a concern, "unknown" adds a check.
//
// # How results combine
//
// Architecture and approach points are summed over the rules that fired. The highest total
// wins; a tie goes to the one listed first in rules/catalog/architectures.yaml, and the
// runner-up is the next highest. A vendor knocked out by any hard rule is eliminated with every
// reason that applies. Survivors are ranked by the sum of their weights, ties by catalogue
// order. Guides, warnings and playbooks named by several rules appear once.
package rules
