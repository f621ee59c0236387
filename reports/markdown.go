package reports

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/infogain-dev/infogain/cases"
)

// markdown returns report.md; figs are the plots it shows inline. The
// order is the order a newcomer needs: the headline, the words it uses,
// the causes and their fixes, the plots, then the detailed tables and how
// the run was made.
func (r *Report) markdown(figs []figure) []byte {
	var b strings.Builder
	m := &r.Meta
	fmt.Fprintf(&b, "# infogain stability report\n\n")
	fmt.Fprintf(&b, "How sound is each implementation of the softmax-with-infogain loss L = −Σ_j h_j log softmax(x)_j "+
		"and its gradient g_j = p_j·S − h_j (S = Σ_j h_j)? Each was run on the same %d cases as the certified reference (%s) "+
		"and graded by its worst case. Every term of the table is defined in the glossary right below it.\n\n", m.Cases, m.Reference)
	r.writeHeadline(&b)
	b.WriteString(glossary())
	b.WriteString(gradeScale())
	fmt.Fprintf(&b, "## Implementations\n\n")
	for _, im := range r.Impls {
		fmt.Fprintf(&b, "* **%s**: %s\n", im.Name, im.Doc)
	}
	b.WriteString("\n")
	r.writeCauses(&b)
	if len(figs) > 0 {
		fmt.Fprintf(&b, "## Plots\n\nThe reference is not drawn (its error is 0 by definition). PNG versions sit next to the SVGs.\n\n")
		for _, f := range figs {
			fmt.Fprintf(&b, "![%s](%s.svg)\n\n*%s*\n\n", f.Alt, f.Name, f.Caption)
		}
	}
	r.writeOverview(&b)
	r.writePerFamily(&b)
	r.writeRun(&b)
	return []byte(b.String())
}

// writeHeadline writes the headline table: one row per implementation.
func (r *Report) writeHeadline(b *strings.Builder) {
	b.WriteString("## Headline\n\n| implementation | grade | worst regime | worst case: scaled error of the loss, of the gradient | cause |\n|---|---|---|---|---|\n")
	for _, g := range r.Grades {
		regime, worst := none, none
		if g.WorstCase != "" {
			regime = fmt.Sprintf("%s (family %s)", g.Regime, g.WorstFamily)
			worst = fmt.Sprintf("`%s` %s, spread %s, C = %d: %s", g.WorstCase, g.WorstDType, fmtSpread(g.WorstSpread), g.WorstC, worstValues(&g))
		}
		fmt.Fprintf(b, "| **%s** | **%s** | %s | %s | %s |\n", g.Impl, g.Grade, regime, worst, g.Cause)
	}
	b.WriteString("\n")
}

func worstValues(g *ImplGrade) string {
	if g.WorstNote != "" {
		return g.WorstNote
	}
	return fmt.Sprintf("loss %s, gradient %s", fmtErr(g.WorstLoss), fmtErr(g.WorstGrad))
}

// fmtErr prints a floored scaled error; the cap (NaN or ±Inf against a
// number, or an error) prints as "NaN/Inf".
func fmtErr(v float64) string {
	switch {
	case v >= math.MaxFloat64:
		return "NaN/Inf"
	case v < 1e4:
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.1e", v)
}

func fmtSpread(v float64) string {
	switch {
	case v >= math.MaxFloat64:
		return "≥ max"
	case v == 0:
		return "0"
	}
	return fmt.Sprintf("%.3g", v)
}

// glossary defines every term the report uses, in an order where no term
// is used before it is defined.
func glossary() string {
	return fmt.Sprintf(`## Glossary

* **case**: one input row: logits x_1..x_C, the row h = H[label,:] of the
  infogain matrix, and a dtype (float64 or float32). **C** is the number of
  classes, **logit spread** max(x) − min(x) over the finite logits.
* **family**: a named group of generated cases that provokes one known
  failure (the per-family tables list them); **regime**: the range of inputs
  a family or a plot bin covers — a logit spread, a number of classes C, a
  row sum S, a shared offset, magnitudes near overflow.
* **ulp**: the number of representable values of the case's dtype between a
  result and the reference's correctly rounded exact value (0: correctly
  rounded; NaN against a number: 2^64 − 1).
* **u**: the unit roundoff, 2^-53 in float64 and 2^-24 in float32.
  **condition**: how far the exact result moves when every input and every
  step is perturbed by a relative u (docs/design.md §5): for the loss
  D = Σ_j |h_j| (|m − x_j| + log1p(s)), for gradient component j
  G_j = p_j |S − h_j| + |h_j| q_j (m = max x, s = Σ_{j≠k} exp(x_j − m),
  q_j = 1 − p_j).
* **scaled error**: |computed − exact| / (u·condition), the worst gradient
  component for the gradient. A correctly rounded value scores at most 1; an
  error that grows past 1/u ≈ 9e15 (float64) has no correct digit. It is
  **floored**: an absolute error at most the smallest normal number
  (%.3g in float64, %.3g in float32) counts at most 1, so results below the
  smallest normal scale are not catastrophes.
* **standard**: the bounds fused declares and meets (docs/design.md §6): loss
  within %d ulps when every h_j ≥ 0 and scaled error ≤ %g otherwise, every
  gradient component scaled error ≤ %g, special values as docs/design.md §7.
* **grade**: the verdict of the headline, on the scale below: the worst
  grade over every case, and "wrong" if the diagnosis finds a different
  function.

`, floorScale(cases.Float64), floorScale(cases.Float32), standardLossULP, standardLossScaled, standardGrad)
}

// gradeScale documents the grades with the constants they use.
func gradeScale() string {
	return fmt.Sprintf(`## Grades (best first)

1. **%s**: every output equals the reference's correctly rounded value
   (0 ulps), and the special values agree.
2. **%s**: within the standard on every case.
3. **%s**: every scaled error at most %d + %d·C, the level a careful
   textbook evaluation (shift by the max, sums in index order) reaches; or
   special values that differ from docs/design.md §7 on non-finite input only.
4. **%s**: some scaled error above %d + %d·C — unbounded as the regime
   grows — or NaN/±Inf from finite input with a magnitude above √max
   (%.3g in float64, %.3g in float32): an overflow.
5. **%s**: NaN/±Inf or an error from ordinary finite input (every |x_j| and
   |h_j| at most √max), or a **different function**: the diagnosis evaluated
   the implementation's formula exactly and it still misses the loss.

`, CorrectlyRounded, Accurate, Acceptable, acceptBase, acceptPerClass,
		Unstable, acceptBase, acceptPerClass, rangeLimit(cases.Float64), rangeLimit(cases.Float32), Wrong)
}

// writeCauses writes the catalogue of the flaws found (cause, what goes
// wrong, fix, where), then per implementation the evidence of each.
func (r *Report) writeCauses(b *strings.Builder) {
	b.WriteString("## Causes and fixes\n\n")
	fmt.Fprintf(b, "Each flaw was detected by a probe: a few hand-picked rows on which the flaw shows and a careful formula is within the standard. "+
		"Causes: **%s** (the error grows with the regime and is unbounded in it), **%s** (the formula misses the loss even evaluated exactly), "+
		"**%s** (NaN, ±Inf or rejections differ from docs/design.md §7), **%s** (beyond the standard, within the acceptable bound, no flaw found).\n\n",
		Instability, DifferentFunction, NonFiniteSemantics, RoundingNoise)
	type seen struct {
		f     Finding
		impls []string
	}
	// The flaws found, in catalogue order, with the implementations
	// that have them.
	var flaws []*seen
	for _, f := range append(slices.Clone(catalogue), propertyFlaws...) {
		var s *seen
		for _, g := range r.Grades {
			for _, fd := range g.Findings {
				if fd.Flaw != f.id {
					continue
				}
				if s == nil {
					s = &seen{f: fd}
					flaws = append(flaws, s)
				}
				s.impls = append(s.impls, g.Impl)
			}
		}
	}
	if len(flaws) > 0 {
		b.WriteString("| flaw | cause | what goes wrong | fix | found in |\n|---|---|---|---|---|\n")
		for _, s := range flaws {
			fmt.Fprintf(b, "| **%s** | %s | %s | %s | %s |\n", s.f.Flaw, s.f.Cause, s.f.What, s.f.Fix, strings.Join(s.impls, ", "))
		}
		b.WriteString("\n")
	}
	b.WriteString("The evidence per implementation: the probe's input and outputs, the family where the flaw shows in this sweep " +
		"(its worst floored scaled errors and cases) and the property of the props battery that catches it.\n\n")
	for k, g := range r.Grades {
		if g.Impl == r.Meta.Reference {
			continue
		}
		fmt.Fprintf(b, "### %s — %s\n\n", g.Impl, g.Grade)
		if len(g.Findings) == 0 {
			switch {
			case g.Grade <= Accurate:
				b.WriteString("No flaw found: every probe and every case is within the standard.\n\n")
			case g.Grade == Acceptable:
				fmt.Fprintf(b, "* **%s**: errors beyond the standard and within the acceptable bound, no probe of the catalogue failed. "+
					"**Fix:** sum S and the tail compensated and form the complements q_j from the tail (docs/design.md §3) to reach the standard.\n\n", RoundingNoise)
			default:
				fmt.Fprintf(b, "* No probe of the catalogue pinned the flaw; the worst case is `%s` (%s). Replay it with `%s`.\n\n",
					g.WorstCase, g.WorstDType, replayCommand(g.WorstCase, g.Impl))
			}
			continue
		}
		for _, f := range g.Findings {
			fmt.Fprintf(b, "* **%s** (%s; fix: %s): probe %s", f.Flaw, f.Cause, f.FixShort, f.Probe)
			if f.Family != "" {
				fmt.Fprintf(b, "; family %s: %s", f.Family, r.familyEvidence(g.Impl, f.Family))
			}
			switch {
			case f.Property == "":
			case f.PropertyFails:
				fmt.Fprintf(b, "; property %s fails", f.Property)
			case r.Impls[k].PropertiesChecked:
				fmt.Fprintf(b, "; property %s passes (it does not reach this regime)", f.Property)
			}
			b.WriteString(".\n")
		}
		b.WriteString("\n")
	}
}

// familyEvidence says how a family shows in the sweep for one
// implementation: its worst scaled errors and cases per dtype, or its
// non-finite outputs.
func (r *Report) familyEvidence(impl, family string) string {
	var parts []string
	for _, dt := range r.Meta.DTypes {
		s := r.find(impl, family, dt)
		if s == nil {
			continue
		}
		var p []string
		if s.NonFinite > 0 {
			p = append(p, fmt.Sprintf("%d cases NaN/Inf", s.NonFinite))
		}
		if s.Mismatches > 0 {
			p = append(p, fmt.Sprintf("%d cases with other special values", s.Mismatches))
		}
		if s.LossScored > 0 && s.LossScaledWorst > standardLossScaled {
			p = append(p, fmt.Sprintf("loss %s (`%s`)", fmtErr(s.LossScaledWorst), s.LossScaledCase))
		}
		if s.GradScored > 0 && s.GradScaledWorst > standardGrad {
			p = append(p, fmt.Sprintf("gradient %s (`%s`)", fmtErr(s.GradScaledWorst), s.GradScaledCase))
		}
		if len(p) > 0 {
			parts = append(parts, string(dt)+": "+strings.Join(p, ", "))
		}
	}
	if len(parts) == 0 {
		return "within the standard in this sweep"
	}
	return strings.Join(parts, "; ")
}

// writeOverview writes the per-dtype table over every family.
func (r *Report) writeOverview(b *strings.Builder) {
	b.WriteString("## Tables\n\nScaled errors are floored (glossary); ulps are the secondary measure. " +
		"**CR** is the share of scored cases correctly rounded (for the gradient: every component). " +
		"**scored loss / grad** counts the cases whose exact loss, resp. every exact gradient component, is finite: the statistics are taken over them. " +
		"**NaN/Inf** counts cases with a NaN or ±Inf output where the exact one is finite; **errors** the valid cases rejected; " +
		"**mismatches** the cases whose special values (NaN, ±Inf, a rejection) differ from docs/design.md §7. " +
		"**failing properties** are those of the props battery (\"not run\" when it was not wired in).\n\n")
	for _, dt := range r.Meta.DTypes {
		fmt.Fprintf(b, "### Every family, %s\n\n", dt)
		b.WriteString("| impl | scored loss / grad | loss scaled worst (case) | grad scaled worst (case) | loss ulps worst | grad ulps worst | loss CR | grad CR | NaN/Inf | errors | mismatches | failing properties |\n")
		b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n")
		for k := range r.Impls {
			s := r.find(r.Impls[k].Name, AllFamilies, dt)
			if s == nil {
				continue
			}
			fmt.Fprintf(b, "| %s | %d / %d | %s | %s | %s | %s | %s | %s | %d | %d | %d | %s |\n",
				s.Impl, s.LossScored, s.GradScored,
				fmtScaledCase(s.LossScaledWorst, s.LossScaledCase, s.LossScored), fmtScaledCase(s.GradScaledWorst, s.GradScaledCase, s.GradScored),
				fmtULP(s.LossWorstULP, s.LossScored), fmtULP(s.GradWorstULP, s.GradScored),
				pct(s.LossCorrectlyRounded, s.LossScored), pct(s.GradCorrectlyRounded, s.GradScored),
				s.NonFinite, s.Errors, s.Mismatches, fmtProps(&r.Impls[k]))
		}
		b.WriteString("\n")
	}
}

func fmtScaledCase(v float64, id string, n int) string {
	switch {
	case n == 0:
		return none
	case v == 0:
		return "0"
	}
	return fmt.Sprintf("%s (%s)", fmtErr(v), id)
}

// writePerFamily writes the per-family tables.
func (r *Report) writePerFamily(b *strings.Builder) {
	for _, dt := range r.Meta.DTypes {
		fmt.Fprintf(b, "### Per family, %s\n\n", dt)
		b.WriteString("| family | impl | cases | scored loss / grad | loss scaled worst (case) | grad scaled worst (case) | loss ulps worst (case) | grad ulps worst (case) | loss CR | grad CR | NaN/Inf | errors | ref rejected / non-finite / mismatches | uncertified |\n")
		b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
		for _, fam := range r.Meta.Families {
			for _, im := range r.Impls {
				s := r.find(im.Name, fam, dt)
				if s == nil {
					continue
				}
				fmt.Fprintf(b, "| %s | %s | %d | %d / %d | %s | %s | %s | %s | %s | %s | %d | %d | %d / %d / %d | %d |\n",
					s.Family, s.Impl, s.Cases, s.LossScored, s.GradScored,
					fmtScaledCase(s.LossScaledWorst, s.LossScaledCase, s.LossScored), fmtScaledCase(s.GradScaledWorst, s.GradScaledCase, s.GradScored),
					fmtWorst(s.LossWorstULP, s.LossWorstCase, s.LossScored), fmtWorst(s.GradWorstULP, s.GradWorstCase, s.GradScored),
					pct(s.LossCorrectlyRounded, s.LossScored), pct(s.GradCorrectlyRounded, s.GradScored),
					s.NonFinite, s.Errors, s.RefRejected, s.RefNonFinite, s.Mismatches, s.Uncertified)
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("Families:\n\n")
	for _, fam := range r.Meta.Families {
		fmt.Fprintf(b, "* **%s**: %s\n", fam, regimeWords(fam))
	}
	b.WriteString("\n")
}

// writeRun says how the report was made.
func (r *Report) writeRun(b *strings.Builder) {
	m := &r.Meta
	fmt.Fprintf(b, "## Run\n\n")
	if m.Command != "" {
		fmt.Fprintf(b, "Regenerate with `%s` (from the repository root: `go run ./cmd/%s`); "+
			"the same command gives byte-identical files on the same Go version and GOARCH. "+
			"Any case prints with `%s` and replays with `%s`.\n\n", m.Command, m.Command, casesCommand("ID"), replayCommand("ID", "IMPL"))
	}
	fmt.Fprintf(b, "| run | |\n|---|---|\n")
	fmt.Fprintf(b, "| size | %s: %d cases per family and dtype, %d per point of the %s family |\n", m.Size, m.PerFamily, m.GridReps, GridFamily)
	fmt.Fprintf(b, "| seed | %d |\n", m.Seed)
	fmt.Fprintf(b, "| cases | %d, each scored for %d implementations |\n", m.Cases, len(r.Impls))
	fmt.Fprintf(b, "| families | %s |\n", strings.Join(m.Families, ", "))
	fmt.Fprintf(b, "| dtypes | %s |\n", joinDTypes(m.DTypes))
	fmt.Fprintf(b, "| reference | %s |\n", m.Reference)
	fmt.Fprintf(b, "| Go | %s, GOARCH %s |\n", m.GoVersion, m.GOARCH)
}

// casesCommand prints the input of the case id (the `infogain cases`
// subcommand).
func casesCommand(id string) string { return "infogain cases --id " + id }

// replayCommand evaluates the case id on an implementation.
func replayCommand(id, impl string) string {
	return casesCommand(id) + " | infogain eval --impl " + impl
}
