// A packngo program (Debian's golang-github-packethost-packngo-dev, unchanged) that drives a metalforge server
// through what a Metal user does in ordinary use. Test-only peer: test/e2e/clients.test.ts builds and runs it.
//
// Environment: METAL_BASE_URL (e.g. http://127.0.0.1:8080/ — packngo's paths are absolute, so the API root),
// PACKET_AUTH_TOKEN, METAL_PLAN, METAL_FACILITY, METAL_METRO, METAL_OS.
// Output: one JSON line per step, {"step": ..., "ok": true|false, "detail": ...}; exit status 1 if a step failed.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/packethost/packngo"
)

type result struct {
	Step   string `json:"step"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

var failed = false

func step(name string, run func() (string, error)) bool {
	detail, err := run()
	r := result{Step: name, OK: err == nil, Detail: detail}
	if err != nil {
		r.Detail = err.Error()
		failed = true
	}
	line, _ := json.Marshal(r)
	fmt.Println(string(line))
	return err == nil
}

func main() {
	env := func(name string) string { return os.Getenv(name) }
	client, err := packngo.NewClientWithBaseURL("metalforge-e2e", env("PACKET_AUTH_TOKEN"), nil, env("METAL_BASE_URL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	plan, facility, metro, osSlug := env("METAL_PLAN"), env("METAL_FACILITY"), env("METAL_METRO"), env("METAL_OS")

	var project *packngo.Project
	if !step("create project", func() (string, error) {
		p, _, err := client.Projects.Create(&packngo.ProjectCreateRequest{Name: "packngo-e2e"})
		project = p
		if err != nil {
			return "", err
		}
		return p.ID, nil
	}) {
		os.Exit(1)
	}

	step("list plans", func() (string, error) {
		plans, _, err := client.Plans.List(nil)
		if err != nil {
			return "", err
		}
		found := contains(len(plans), func(i int) bool { return plans[i].Slug == plan })
		return expect(found, fmt.Sprintf("%d plans", len(plans)))
	})
	step("list facilities", func() (string, error) {
		facilities, _, err := client.Facilities.List(nil)
		if err != nil {
			return "", err
		}
		found := contains(len(facilities), func(i int) bool { return facilities[i].Code == facility })
		return expect(found, fmt.Sprintf("%d facilities", len(facilities)))
	})
	step("list metros", func() (string, error) {
		// packngo 0.2 predates metros: its generic request path reads them.
		var body struct {
			Metros []struct {
				Code string `json:"code"`
			} `json:"metros"`
		}
		if _, err := client.DoRequest("GET", "/locations/metros", nil, &body); err != nil {
			return "", err
		}
		found := contains(len(body.Metros), func(i int) bool { return body.Metros[i].Code == metro })
		return expect(found, fmt.Sprintf("%d metros", len(body.Metros)))
	})
	step("list operating systems", func() (string, error) {
		systems, _, err := client.OperatingSystems.List()
		if err != nil {
			return "", err
		}
		found := contains(len(systems), func(i int) bool { return systems[i].Slug == osSlug })
		return expect(found, fmt.Sprintf("%d operating systems", len(systems)))
	})

	var device *packngo.Device
	if !step("create device", func() (string, error) {
		d, _, err := client.Devices.Create(&packngo.DeviceCreateRequest{
			Hostname: "packngo-e2e", Plan: plan, Facility: []string{facility}, OS: osSlug, BillingCycle: "hourly", ProjectID: project.ID,
		})
		device = d
		if err != nil {
			return "", err
		}
		return d.ID + " " + d.State, nil
	}) {
		os.Exit(1)
	}
	step("get device", func() (string, error) {
		d, _, err := client.Devices.Get(device.ID, nil)
		if err != nil {
			return "", err
		}
		return expect(d.ID == device.ID && d.Hostname == "packngo-e2e", d.State)
	})
	step("wait for active", func() (string, error) {
		deadline := time.Now().Add(120 * time.Second)
		for {
			d, _, err := client.Devices.Get(device.ID, nil)
			if err != nil {
				return "", err
			}
			if d.State == "active" {
				ni := d.GetNetworkInfo()
				return fmt.Sprintf("active, network type %s, public IPv4 %s", d.NetworkType, ni.PublicIPv4), nil
			}
			if d.State == "failed" || time.Now().After(deadline) {
				return "", fmt.Errorf("device is %s, not active", d.State)
			}
			time.Sleep(250 * time.Millisecond)
		}
	})
	step("reboot device", func() (string, error) {
		_, err := client.Devices.Reboot(device.ID)
		return "accepted", err
	})
	step("list device events", func() (string, error) {
		events, _, err := client.Devices.ListEvents(device.ID, nil)
		if err != nil {
			return "", err
		}
		return expect(len(events) > 0, fmt.Sprintf("%d events", len(events)))
	})
	step("spot prices", func() (string, error) {
		prices, _, err := client.SpotMarket.Prices()
		if err != nil {
			return "", err
		}
		price, ok := prices[facility][plan]
		return expect(ok && price > 0, fmt.Sprintf("%s %s: %v/h", facility, plan, price))
	})
	step("spot market request", func() (string, error) {
		request, _, err := client.SpotMarketRequests.Create(&packngo.SpotMarketRequestCreateRequest{
			DevicesMin: 1, DevicesMax: 1, FacilityIDs: []string{facility}, MaxBidPrice: 0.01,
			Parameters: packngo.SpotMarketRequestInstanceParameters{
				Plan: plan, OperatingSystem: osSlug, Hostname: "packngo-spot", BillingCycle: "hourly",
			},
		}, project.ID)
		if err != nil {
			return "", err
		}
		got, _, err := client.SpotMarketRequests.Get(request.ID, nil)
		if err != nil {
			return "", err
		}
		if _, err := client.SpotMarketRequests.Delete(got.ID, true); err != nil {
			return "", err
		}
		return "created, read and closed " + got.ID, nil
	})
	step("delete device", func() (string, error) {
		_, err := client.Devices.Delete(device.ID)
		return "accepted", err
	})
	if failed {
		os.Exit(1)
	}
}

func contains(n int, match func(int) bool) bool {
	for i := 0; i < n; i++ {
		if match(i) {
			return true
		}
	}
	return false
}

func expect(ok bool, detail string) (string, error) {
	if !ok {
		return "", fmt.Errorf("unexpected answer: %s", detail)
	}
	return detail, nil
}
