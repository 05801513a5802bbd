module github.com/esper-platform/obskit/bench

go 1.26.0

require (
	github.com/caarlos0/env/v11 v11.4.2
	github.com/esper-platform/obskit v0.0.0
	github.com/kelseyhightower/envconfig v1.4.0
	github.com/sethvargo/go-envconfig v1.4.3
)

replace github.com/esper-platform/obskit => ../
