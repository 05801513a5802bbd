package envconfig_test

import "time"

// bigConfig has 100 variables: strings, ints, bools, durations, slices and a nested prefixed struct.
type bigConfig struct {
	S00    string        `env:"S00" envDefault:"default-0"`
	S01    string        `env:"S01" envDefault:"default-1"`
	S02    string        `env:"S02" envDefault:"default-2"`
	S03    string        `env:"S03" envDefault:"default-3"`
	S04    string        `env:"S04" envDefault:"default-4"`
	S05    string        `env:"S05" envDefault:"default-5"`
	S06    string        `env:"S06" envDefault:"default-6"`
	S07    string        `env:"S07" envDefault:"default-7"`
	S08    string        `env:"S08" envDefault:"default-8"`
	S09    string        `env:"S09" envDefault:"default-9"`
	S10    string        `env:"S10" envDefault:"default-10"`
	S11    string        `env:"S11" envDefault:"default-11"`
	S12    string        `env:"S12" envDefault:"default-12"`
	S13    string        `env:"S13" envDefault:"default-13"`
	S14    string        `env:"S14" envDefault:"default-14"`
	S15    string        `env:"S15" envDefault:"default-15"`
	S16    string        `env:"S16" envDefault:"default-16"`
	S17    string        `env:"S17" envDefault:"default-17"`
	S18    string        `env:"S18" envDefault:"default-18"`
	S19    string        `env:"S19" envDefault:"default-19"`
	I00    int           `env:"I00"`
	I01    int           `env:"I01"`
	I02    int           `env:"I02"`
	I03    int           `env:"I03"`
	I04    int           `env:"I04"`
	I05    int           `env:"I05"`
	I06    int           `env:"I06"`
	I07    int           `env:"I07"`
	I08    int           `env:"I08"`
	I09    int           `env:"I09"`
	I10    int           `env:"I10"`
	I11    int           `env:"I11"`
	I12    int           `env:"I12"`
	I13    int           `env:"I13"`
	I14    int           `env:"I14"`
	I15    int           `env:"I15"`
	I16    int           `env:"I16"`
	I17    int           `env:"I17"`
	I18    int           `env:"I18"`
	I19    int           `env:"I19"`
	B00    bool          `env:"B00"`
	B01    bool          `env:"B01"`
	B02    bool          `env:"B02"`
	B03    bool          `env:"B03"`
	B04    bool          `env:"B04"`
	B05    bool          `env:"B05"`
	B06    bool          `env:"B06"`
	B07    bool          `env:"B07"`
	B08    bool          `env:"B08"`
	B09    bool          `env:"B09"`
	B10    bool          `env:"B10"`
	B11    bool          `env:"B11"`
	B12    bool          `env:"B12"`
	B13    bool          `env:"B13"`
	B14    bool          `env:"B14"`
	B15    bool          `env:"B15"`
	B16    bool          `env:"B16"`
	B17    bool          `env:"B17"`
	B18    bool          `env:"B18"`
	B19    bool          `env:"B19"`
	D00    time.Duration `env:"D00"`
	D01    time.Duration `env:"D01"`
	D02    time.Duration `env:"D02"`
	D03    time.Duration `env:"D03"`
	D04    time.Duration `env:"D04"`
	D05    time.Duration `env:"D05"`
	D06    time.Duration `env:"D06"`
	D07    time.Duration `env:"D07"`
	D08    time.Duration `env:"D08"`
	D09    time.Duration `env:"D09"`
	D10    time.Duration `env:"D10"`
	D11    time.Duration `env:"D11"`
	D12    time.Duration `env:"D12"`
	D13    time.Duration `env:"D13"`
	D14    time.Duration `env:"D14"`
	L00    []string      `env:"L00"`
	L01    []string      `env:"L01"`
	L02    []string      `env:"L02"`
	L03    []string      `env:"L03"`
	L04    []string      `env:"L04"`
	L05    []string      `env:"L05"`
	L06    []string      `env:"L06"`
	L07    []string      `env:"L07"`
	L08    []string      `env:"L08"`
	L09    []string      `env:"L09"`
	L10    []string      `env:"L10"`
	L11    []string      `env:"L11"`
	L12    []string      `env:"L12"`
	L13    []string      `env:"L13"`
	L14    []string      `env:"L14"`
	Nested bigNested     `envPrefix:"NESTED_"`
}

type bigNested struct {
	N00 string `env:"N00"`
	N01 string `env:"N01"`
	N02 string `env:"N02"`
	N03 string `env:"N03"`
	N04 string `env:"N04"`
	N05 string `env:"N05"`
	N06 string `env:"N06"`
	N07 string `env:"N07"`
	N08 string `env:"N08"`
	N09 string `env:"N09"`
}

// bigEnvironment sets every variable of bigConfig, with prefix.
func bigEnvironment(prefix string) map[string]string {
	return map[string]string{
		prefix + "S00":        "value-0",
		prefix + "S01":        "value-1",
		prefix + "S02":        "value-2",
		prefix + "S03":        "value-3",
		prefix + "S04":        "value-4",
		prefix + "S05":        "value-5",
		prefix + "S06":        "value-6",
		prefix + "S07":        "value-7",
		prefix + "S08":        "value-8",
		prefix + "S09":        "value-9",
		prefix + "S10":        "value-10",
		prefix + "S11":        "value-11",
		prefix + "S12":        "value-12",
		prefix + "S13":        "value-13",
		prefix + "S14":        "value-14",
		prefix + "S15":        "value-15",
		prefix + "S16":        "value-16",
		prefix + "S17":        "value-17",
		prefix + "S18":        "value-18",
		prefix + "S19":        "value-19",
		prefix + "I00":        "0",
		prefix + "I01":        "37",
		prefix + "I02":        "74",
		prefix + "I03":        "111",
		prefix + "I04":        "148",
		prefix + "I05":        "185",
		prefix + "I06":        "222",
		prefix + "I07":        "259",
		prefix + "I08":        "296",
		prefix + "I09":        "333",
		prefix + "I10":        "370",
		prefix + "I11":        "407",
		prefix + "I12":        "444",
		prefix + "I13":        "481",
		prefix + "I14":        "518",
		prefix + "I15":        "555",
		prefix + "I16":        "592",
		prefix + "I17":        "629",
		prefix + "I18":        "666",
		prefix + "I19":        "703",
		prefix + "B00":        "false",
		prefix + "B01":        "true",
		prefix + "B02":        "false",
		prefix + "B03":        "true",
		prefix + "B04":        "false",
		prefix + "B05":        "true",
		prefix + "B06":        "false",
		prefix + "B07":        "true",
		prefix + "B08":        "false",
		prefix + "B09":        "true",
		prefix + "B10":        "false",
		prefix + "B11":        "true",
		prefix + "B12":        "false",
		prefix + "B13":        "true",
		prefix + "B14":        "false",
		prefix + "B15":        "true",
		prefix + "B16":        "false",
		prefix + "B17":        "true",
		prefix + "B18":        "false",
		prefix + "B19":        "true",
		prefix + "D00":        "1s",
		prefix + "D01":        "2s",
		prefix + "D02":        "3s",
		prefix + "D03":        "4s",
		prefix + "D04":        "5s",
		prefix + "D05":        "6s",
		prefix + "D06":        "7s",
		prefix + "D07":        "8s",
		prefix + "D08":        "9s",
		prefix + "D09":        "10s",
		prefix + "D10":        "11s",
		prefix + "D11":        "12s",
		prefix + "D12":        "13s",
		prefix + "D13":        "14s",
		prefix + "D14":        "15s",
		prefix + "L00":        "a,b,c",
		prefix + "L01":        "a,b,c",
		prefix + "L02":        "a,b,c",
		prefix + "L03":        "a,b,c",
		prefix + "L04":        "a,b,c",
		prefix + "L05":        "a,b,c",
		prefix + "L06":        "a,b,c",
		prefix + "L07":        "a,b,c",
		prefix + "L08":        "a,b,c",
		prefix + "L09":        "a,b,c",
		prefix + "L10":        "a,b,c",
		prefix + "L11":        "a,b,c",
		prefix + "L12":        "a,b,c",
		prefix + "L13":        "a,b,c",
		prefix + "L14":        "a,b,c",
		prefix + "NESTED_N00": "n0",
		prefix + "NESTED_N01": "n1",
		prefix + "NESTED_N02": "n2",
		prefix + "NESTED_N03": "n3",
		prefix + "NESTED_N04": "n4",
		prefix + "NESTED_N05": "n5",
		prefix + "NESTED_N06": "n6",
		prefix + "NESTED_N07": "n7",
		prefix + "NESTED_N08": "n8",
		prefix + "NESTED_N09": "n9",
	}
}
