package reports

import (
	"bytes"
	"fmt"
	"image/color"
	"maps"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/infogain-dev/infogain/cases"
)

// Plot size: wide enough for a legend of eight implementations beside the
// curves, and readable when shown inline in report.md.
const (
	plotWidth   = 7 * vg.Inch
	plotHeight  = 4.5 * vg.Inch
	legendWidth = 1.5 * vg.Inch
)

// Bins of the log-scale x axes: a logit spread s goes to bin
// round(spreadBinsPerDecade·log10 s) (so the grid's spreads 10^(k/2) are
// bin centres), a class count C to round(classBinsPerDecade·log10 C).
const (
	spreadBinsPerDecade = 2
	classBinsPerDecade  = 4
)

// The spread axis runs from 10^spreadMinDecade to 10^spreadMaxDecade:
// the grid family's range and a little more. Families reach spreads of
// 1e-300 (subnormal differences) and 1e308 (huge logits); such cases are
// counted in the end bins, labelled "≤" and "≥", so the axis stays readable.
const (
	spreadMinDecade = -4
	spreadMaxDecade = 12
)

// cdfStepBits is the step of the x axis of the error CDF plots.
const cdfStepBits = 0.25

// figure is one plot of the report, rendered to both formats.
type figure struct {
	// Name is the file name without extension.
	Name    string
	Caption string
	SVG     []byte
	PNG     []byte
}

// measure picks the error a plot shows from a score.
type measure struct {
	name   string // "loss" or "gradient"
	bits   func(*CaseScore) float64
	scored func(*CaseScore) bool
	label  string
}

var (
	lossMeasure = measure{"loss", (*CaseScore).LossBits, func(s *CaseScore) bool { return s.LossScored }, "loss: worst bits of error, log2(ulps+1)"}
	gradMeasure = measure{"gradient", (*CaseScore).GradBits, func(s *CaseScore) bool { return s.GradScored }, "gradient: worst bits of error, log2(ulps+1)"}
)

// figures renders every plot of the report, per dtype: bits of error vs
// logit spread and vs C for the loss and the gradient, and the CDF of the
// gradient errors. The reference is left out (it scores 0 by definition).
func (r *Report) figures() ([]figure, error) {
	var figs []figure
	for _, dt := range r.Meta.DTypes {
		type spec struct {
			name, caption string
			build         func() (*chart, error)
		}
		spreadFrom, spreadWhat := "", "every family"
		if slices.Contains(r.Meta.Families, GridFamily) {
			// The grid varies the spread alone (and C): a controlled view.
			// The tables hold every family's worst case.
			spreadFrom, spreadWhat = GridFamily, "the "+GridFamily+" family"
		}
		specs := []spec{
			{"loss_vs_spread_" + string(dt), "Worst bits of error of the loss vs logit spread (max − min of the finite logits), " + spreadWhat + ", " + string(dt),
				func() (*chart, error) { return r.binnedPlot(dt, lossMeasure, spreadFrom, true) }},
			{"grad_vs_spread_" + string(dt), "Worst bits of error of the gradient vs logit spread, " + spreadWhat + ", " + string(dt),
				func() (*chart, error) { return r.binnedPlot(dt, gradMeasure, spreadFrom, true) }},
			{"loss_vs_classes_" + string(dt), "Worst bits of error of the loss vs number of classes C, " + string(dt),
				func() (*chart, error) { return r.binnedPlot(dt, lossMeasure, "", false) }},
			{"grad_vs_classes_" + string(dt), "Worst bits of error of the gradient vs number of classes C, " + string(dt),
				func() (*chart, error) { return r.binnedPlot(dt, gradMeasure, "", false) }},
			{"grad_cdf_" + string(dt), "CDF of the gradient's bits of error over all scored cases, " + string(dt),
				func() (*chart, error) { return r.cdfPlot(dt) }},
		}
		for _, s := range specs {
			p, err := s.build()
			if err != nil {
				return nil, fmt.Errorf("reports: plot %s: %v", s.name, err)
			}
			f := figure{Name: s.name, Caption: s.caption}
			if f.SVG, err = render(p, "svg"); err != nil {
				return nil, err
			}
			if f.PNG, err = render(p, "png"); err != nil {
				return nil, err
			}
			figs = append(figs, f)
		}
	}
	return figs, nil
}

// chart is a plot with its legend kept apart: render draws the legend to
// the right of the axes, where it never hides a curve.
type chart struct {
	p   *plot.Plot
	leg plot.Legend
}

func render(ch *chart, format string) ([]byte, error) {
	cw, err := draw.NewFormattedCanvas(plotWidth+legendWidth, plotHeight, format)
	if err != nil {
		return nil, err
	}
	dc := draw.New(cw)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	ch.p.Draw(draw.Crop(dc, 0, -legendWidth, 0, 0))
	ch.leg.Top, ch.leg.Left = true, true
	ch.leg.Draw(draw.Crop(dc, plotWidth+vg.Points(6), 0, 0, -vg.Points(24)))
	var buf bytes.Buffer
	if _, err := cw.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// plotted returns the implementations drawn in the plots, in report order.
func (r *Report) plotted() []int {
	var ks []int
	for k, im := range r.Impls {
		if im.Name != r.Meta.Reference {
			ks = append(ks, k)
		}
	}
	return ks
}

// binnedPlot draws, per implementation, the worst bits of error of m over
// the scored cases of dtype dt in each log bin of the logit spread
// (bySpread) or of C, over the cases of family (every family if empty).
// Cases with spread 0 are left out of the spread plot.
func (r *Report) binnedPlot(dt cases.DType, m measure, family string, bySpread bool) (*chart, error) {
	ch := newChart()
	p := ch.p
	perDecade := float64(classBinsPerDecade)
	if bySpread {
		perDecade = spreadBinsPerDecade
		p.Title.Text = fmt.Sprintf("%s error vs logit spread (%s)", m.name, dt)
		if family != "" {
			p.Title.Text = fmt.Sprintf("%s error vs logit spread (%s, %s family)", m.name, dt, family)
		}
		p.X.Label.Text = "logit spread max(x) − min(x) (logit units, log scale, half-decade bins)"
		if family == "" {
			p.X.Label.Text = "logit spread max(x) − min(x) (logit units, log scale, half-decade bins, ends open)"
		}
	} else {
		p.Title.Text = fmt.Sprintf("%s error vs number of classes (%s)", m.name, dt)
		p.X.Label.Text = "number of classes C (log scale, quarter-decade bins)"
	}
	p.Y.Label.Text = m.label
	nImpl := len(r.Impls)
	lo, hi := math.Inf(1), math.Inf(-1)
	for n, k := range r.plotted() {
		worst := map[int]float64{}
		for i := k; i < len(r.Scores); i += nImpl {
			s := &r.Scores[i]
			if s.DType != dt || !m.scored(s) || (family != "" && s.Family != family) {
				continue
			}
			v := float64(s.C)
			if bySpread {
				v = s.Spread
			}
			if v <= 0 {
				continue
			}
			b := int(math.Round(perDecade * math.Log10(v)))
			if bySpread {
				b = min(max(b, spreadMinDecade*spreadBinsPerDecade), spreadMaxDecade*spreadBinsPerDecade)
			}
			if cur, ok := worst[b]; !ok || m.bits(s) > cur {
				worst[b] = m.bits(s)
			}
		}
		bins := slices.Sorted(maps.Keys(worst))
		xys := make(plotter.XYs, len(bins))
		for i, b := range bins {
			// x is plotted as log10(x) on a linear axis labelled in powers of
			// ten: gonum/plot's LogScale centres the axis label at the
			// arithmetic mean of the limits and squeezes the data area.
			xys[i].X = float64(b) / perDecade
			xys[i].Y = worst[b]
			lo, hi = math.Min(lo, xys[i].X), math.Max(hi, xys[i].X)
		}
		if len(xys) == 0 {
			continue
		}
		if err := ch.addSeries(n, r.Impls[k].Name, xys); err != nil {
			return nil, err
		}
	}
	if lo > hi {
		lo, hi = 0, 1 // no data: an empty but valid axis
	}
	p.X.Tick.Marker = decadeTicks{}
	if bySpread && family == "" {
		lo, hi = spreadMinDecade, spreadMaxDecade
		p.X.Tick.Marker = decadeTicks{fold: true, foldLo: spreadMinDecade, foldHi: spreadMaxDecade}
	}
	p.X.Min, p.X.Max = lo-0.5/perDecade, hi+0.5/perDecade
	setBitsAxis(p, dt)
	return ch, nil
}

// cdfPlot draws, per implementation, the fraction of scored cases of dtype
// dt whose gradient has at most x bits of error.
func (r *Report) cdfPlot(dt cases.DType) (*chart, error) {
	ch := newChart()
	p := ch.p
	p.Title.Text = fmt.Sprintf("CDF of gradient errors (%s)", dt)
	p.X.Label.Text = "gradient: bits of error of the worst component, log2(ulps+1)"
	p.Y.Label.Text = "fraction of scored cases with ≤ x bits"
	nImpl := len(r.Impls)
	top := bitsCeiling(dt)
	for n, k := range r.plotted() {
		var bits []float64
		for i := k; i < len(r.Scores); i += nImpl {
			s := &r.Scores[i]
			if s.DType == dt && s.GradScored {
				bits = append(bits, s.GradBits())
			}
		}
		if len(bits) == 0 {
			continue
		}
		slices.Sort(bits)
		var xys plotter.XYs
		for x := 0.0; x <= top; x += cdfStepBits {
			// Number of cases with bits ≤ x, by binary search.
			at, found := slices.BinarySearch(bits, x)
			for found && at < len(bits) && bits[at] == x {
				at++
			}
			xys = append(xys, plotter.XY{X: x, Y: float64(at) / float64(len(bits))})
		}
		if err := ch.addLine(n, r.Impls[k].Name, xys); err != nil {
			return nil, err
		}
	}
	p.X.Min, p.X.Max = 0, top
	p.X.Tick.Marker = plot.ConstantTicks(bitsTicks())
	p.Y.Min, p.Y.Max = 0, 1.02
	return ch, nil
}

func newChart() *chart {
	p := plot.New()
	p.Add(plotter.NewGrid())
	leg := plot.NewLegend()
	leg.ThumbnailWidth = vg.Points(24)
	return &chart{p: p, leg: leg}
}

// bitsCeiling is the largest bits of error of a dtype (NaN against a
// number): 64 in either type, as ulp.Bits(ulp.MaxDist) = 64.
func bitsCeiling(cases.DType) float64 { return 64 }

func setBitsAxis(p *plot.Plot, dt cases.DType) {
	p.Y.Min, p.Y.Max = 0, bitsCeiling(dt)+2
	p.Y.Tick.Marker = plot.ConstantTicks(bitsTicks())
}

func bitsTicks() []plot.Tick {
	var t []plot.Tick
	for b := 0; b <= 64; b += 8 {
		t = append(t, plot.Tick{Value: float64(b), Label: fmt.Sprint(b)})
	}
	return t
}

// style returns the colour, glyph and dashes of the n-th plotted series.
func style(n int) (color.Color, draw.GlyphDrawer, []vg.Length) {
	return plotutil.Color(n), plotutil.Shape(n), plotutil.Dashes(n)
}

func (ch *chart) addSeries(n int, name string, xys plotter.XYs) error {
	l, s, err := plotter.NewLinePoints(xys)
	if err != nil {
		return err
	}
	c, g, d := style(n)
	l.Color, l.Dashes, l.Width = c, d, vg.Points(1.2)
	s.Color, s.Shape, s.Radius = c, g, vg.Points(2.5)
	ch.p.Add(l, s)
	ch.leg.Add(name, l, s)
	return nil
}

func (ch *chart) addLine(n int, name string, xys plotter.XYs) error {
	l, err := plotter.NewLine(xys)
	if err != nil {
		return err
	}
	c, _, d := style(n)
	l.Color, l.Dashes, l.Width = c, d, vg.Points(1.5)
	ch.p.Add(l)
	ch.leg.Add(name, l)
	return nil
}

// decadeTicks labels the integers of an axis of log10 values as powers of
// ten, at most about eight labels whatever the range, with unlabelled ticks
// at every decade in between when there are few enough to see. With fold,
// the decades foldLo and foldHi are labelled "≤" and "≥": their bins hold
// everything beyond.
type decadeTicks struct {
	fold           bool
	foldLo, foldHi int
}

func (d decadeTicks) Ticks(lo, hi float64) []plot.Tick {
	a, b := int(math.Ceil(lo)), int(math.Floor(hi))
	step := max(1, (b-a+8)/8)
	var t []plot.Tick
	for k := a; k <= b; k++ {
		switch {
		case d.fold && k == d.foldLo:
			t = append(t, plot.Tick{Value: float64(k), Label: fmt.Sprintf("≤1e%d", k)})
		case d.fold && k == d.foldHi:
			t = append(t, plot.Tick{Value: float64(k), Label: fmt.Sprintf("≥1e%d", k)})
		case k%step == 0:
			t = append(t, plot.Tick{Value: float64(k), Label: fmt.Sprintf("1e%d", k)})
		case b-a <= 40:
			t = append(t, plot.Tick{Value: float64(k)})
		}
	}
	return t
}
