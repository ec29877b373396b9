package server

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/exportrisk/exportrisk/engine"
)

// metrics are the server's Prometheus metrics, in a registry of its own (so that two
// servers in one process, as in tests, do not collide).
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec   // route, code
	latency   *prometheus.HistogramVec // route
	inflight  prometheus.Gauge
	assessed  *prometheus.CounterVec // input: library or bundle
	recorded  prometheus.Counter
	recordErr prometheus.Counter
	verdicts  *prometheus.CounterVec // criterion, verdict
	overall   *prometheus.CounterVec // class
	replays   *prometheus.CounterVec // outcome: match, differs, failed
	policy    *prometheus.GaugeVec   // revision
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "exportrisk_http_requests_total",
			Help: "HTTP requests by route (method and path pattern) and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "exportrisk_http_request_duration_seconds",
			Help:    "Time from reading the request to writing the last byte of the response, by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "exportrisk_http_requests_in_flight",
			Help: "Requests being served.",
		}),
		assessed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "exportrisk_assessments_total",
			Help: "Assessments evaluated for POST /v1/assessments, by input: a shipped bundle (library) or a bundle in the body.",
		}, []string{"input"}),
		recorded: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "exportrisk_decisions_recorded_total",
			Help: "Decisions recorded in the audit store.",
		}),
		recordErr: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "exportrisk_decisions_record_errors_total",
			Help: "Assessments that could not be recorded (the client got 503 and no result).",
		}),
		verdicts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "exportrisk_verdicts_total",
			Help: "Verdicts of recorded decisions, by criterion (1..8) and verdict.",
		}, []string{"criterion", "verdict"}),
		overall: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "exportrisk_overall_total",
			Help: "Overall classes of recorded decisions.",
		}, []string{"class"}),
		replays: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "exportrisk_replays_total",
			Help: "Replays by outcome: match, differs, failed.",
		}, []string{"outcome"}),
		policy: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "exportrisk_policy_info",
			Help: "The policy revision the server evaluates with (value 1).",
		}, []string{"revision"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.inflight, m.assessed, m.recorded, m.recordErr, m.verdicts,
		m.overall, m.replays, m.policy,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for n := 1; n <= 8; n++ { // every series exists from the start
		for _, v := range []string{engine.Critical, engine.PossiblyCritical, engine.NotCritical, engine.InsufficientData} {
			m.verdicts.WithLabelValues(strconv.Itoa(n), v)
		}
	}
	for _, c := range []string{engine.DarkRed, engine.LightRed, engine.None} {
		m.overall.WithLabelValues(c)
	}
	return m
}

func (m *metrics) setPolicy(revision string) {
	m.policy.Reset()
	m.policy.WithLabelValues(revision).Set(1)
}

// decided counts a recorded decision's verdicts.
func (m *metrics) decided(res *engine.Result) {
	m.recorded.Inc()
	m.overall.WithLabelValues(res.Overall).Inc()
	for _, c := range res.Criteria {
		m.verdicts.WithLabelValues(strconv.Itoa(c.Criterion), c.Verdict).Inc()
	}
}
