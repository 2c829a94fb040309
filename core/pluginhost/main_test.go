package pluginhost

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/vlmask/vlmask/plugins/builtin"
	"github.com/vlmask/vlmask/sdk"
	"github.com/vlmask/vlmask/sdk/hostrpc"
)

// The test binary doubles as every plugin the tests start:
// `<test binary> serve-plugin <name>` serves a built-in (as vlmask does),
// and VLMASK_TEST_PLUGIN=<fixture> serves a fixture below.
const (
	envTestPlugin = "VLMASK_TEST_PLUGIN"
	envTestTag    = "VLMASK_TEST_TAG"
	// envTestHost makes the test binary a host (runTestHost) that starts
	// the plugin "normal" from the directory named and waits to be killed.
	envTestHost = "VLMASK_TEST_HOST"
)

func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == ServePluginCommand {
		if err := builtin.ServeBuiltin(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if dir := os.Getenv(envTestHost); dir != "" {
		os.Exit(runTestHost(dir))
	}
	if name := os.Getenv(envTestPlugin); name != "" {
		if err := serveFixture(name, os.Getenv(envTestTag)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	// Plugin processes are this binary; under -race each would sleep a
	// second at exit waiting for reports, unless told not to.
	if gorace := os.Getenv("GORACE"); !strings.Contains(gorace, "atexit_sleep_ms") {
		_ = os.Setenv("GORACE", strings.TrimSpace(gorace+" atexit_sleep_ms=0"))
	}
	os.Exit(m.Run())
}

// runTestHost is a host process for TestPluginDiesWithItsHost: it starts
// the plugin "normal" of dir, prints the plugin's pid and waits.
func runTestHost(dir string) int {
	h, err := New(Options{Dirs: []string{dir}, Getenv: func(string) string { return "" }, Logger: hclog.NewNullLogger()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	s, err := h.Masking(context.Background(), "normal", nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(s.(*remoteMasking).pid())
	select {}
}

func serveFixture(name, tag string) error {
	switch name {
	case "normal":
		sdk.ServeMasking(fixtureMasking{name: name, version: "tag-" + tag})
	case "crasher":
		sdk.ServeMasking(fixtureMasking{name: name, mask: func() { os.Exit(3) }})
	case "hanger":
		sdk.ServeMasking(fixtureMasking{name: name, mask: func() { select {} }})
	case "bad-position":
		sdk.ServeMasking(fixtureMasking{name: name, extra: true})
	case "future-minor":
		sdk.ServeMasking(fixtureMasking{name: name, minor: sdk.ProtocolMinor + 7})
	case "configurable":
		sdk.ServeMasking(&configurable{})
	case "env":
		sdk.ServeMasking(envReporter{})
	case "bad-count":
		sdk.ServeMetric(fixtureMetric{name: name, short: true})
	case "bad-column":
		sdk.ServeMetric(fixtureMetric{name: name, column: "not_declared"})
	case "future-major":
		// A plugin built for protocol 2: only the handshake matters.
		plugin.Serve(&plugin.ServeConfig{
			HandshakeConfig:  hostrpc.Handshake(),
			VersionedPlugins: map[int]plugin.PluginSet{sdk.ProtocolMajor + 1: {"masking": nothingPlugin{}}},
			GRPCServer:       plugin.DefaultGRPCServer,
		})
	default:
		return fmt.Errorf("no test fixture %q", name)
	}
	return nil
}

// fixtureMasking puts every position in its own group, after running mask;
// extra adds a group with an out-of-range position.
type fixtureMasking struct {
	sdk.MaskingBase
	name, version string
	minor         int
	mask          func()
	extra         bool
}

func (f fixtureMasking) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{Name: f.name, Version: f.version, ProtocolMinor: f.minor}, nil
}

func (f fixtureMasking) Mask(_ context.Context, req sdk.MaskRequest) (sdk.MaskResponse, error) {
	if f.mask != nil {
		f.mask()
	}
	var resp sdk.MaskResponse
	for i, tok := range req.Sequence.Tokens {
		resp.Groups = append(resp.Groups, sdk.Group{Label: tok.Text, Positions: []int{i}})
	}
	if f.extra {
		resp.Groups = append(resp.Groups, sdk.Group{Label: "beyond", Positions: []int{len(req.Sequence.Tokens)}})
	}
	sdk.Logger().Info("fixture masked", "groups", len(resp.Groups))
	return resp, nil
}

// configurable wants {"every": n} with n ≥ 1 and groups every n-th position.
type configurable struct {
	sdk.MaskingBase
	every int
}

func (c *configurable) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{Name: "configurable", Version: "1"}, nil
}

func (c *configurable) Configure(_ context.Context, config json.RawMessage) error {
	var cfg struct{ Every int }
	if err := json.Unmarshal(config, &cfg); err != nil || cfg.Every < 1 {
		return fmt.Errorf(`want {"every": n} with n ≥ 1, got %s: %w`, config, sdk.ErrInvalidConfig)
	}
	c.every = cfg.Every
	return nil
}

func (c *configurable) Mask(_ context.Context, req sdk.MaskRequest) (sdk.MaskResponse, error) {
	var resp sdk.MaskResponse
	for i := 0; i < len(req.Sequence.Tokens); i += c.every {
		resp.Groups = append(resp.Groups, sdk.Group{Label: fmt.Sprint(i), Positions: []int{i}})
	}
	return resp, nil
}

// fixtureMetric returns one column "value"; short drops a value, column
// renames it.
type fixtureMetric struct {
	sdk.MetricBase
	name, column string
	short        bool
}

func (f fixtureMetric) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{Name: f.name, Version: "1", Columns: []string{"value"}, Variants: []sdk.VariantClass{sdk.VariantFull}}, nil
}

func (f fixtureMetric) Score(_ context.Context, req sdk.ScoreRequest) (sdk.ScoreResponse, error) {
	n := len(req.Batches) * len(req.Groups)
	if f.short {
		n--
	}
	name := "value"
	if f.column != "" {
		name = f.column
	}
	return sdk.ScoreResponse{Columns: []sdk.Column{{Name: name, Values: make([]float32, max(n, 0))}}}, nil
}

// envReporter answers Mask with one group per variable of its environment,
// labelled with the variable's name.
type envReporter struct{ sdk.MaskingBase }

func (envReporter) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{Name: "env", Version: "1"}, nil
}

func (envReporter) Mask(context.Context, sdk.MaskRequest) (sdk.MaskResponse, error) {
	var resp sdk.MaskResponse
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		resp.Groups = append(resp.Groups, sdk.Group{Label: name, Positions: []int{0}})
	}
	return resp, nil
}

// nothingPlugin serves no services.
type nothingPlugin struct{ plugin.NetRPCUnsupportedPlugin }

func (nothingPlugin) GRPCServer(*plugin.GRPCBroker, *grpc.Server) error { return nil }
func (nothingPlugin) GRPCClient(context.Context, *plugin.GRPCBroker, *grpc.ClientConn) (any, error) {
	return nil, nil
}
