/** Suggestions for the currency and time-zone inputs: every ISO 4217 code and IANA zone this runtime knows. */
export const CURRENCY_LIST = "iso-4217-currencies";
export const TIMEZONE_LIST = "iana-time-zones";

export function CurrencyAndTimeZoneLists() {
  return (
    <>
      <datalist id={CURRENCY_LIST}>
        {Intl.supportedValuesOf("currency").map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      <datalist id={TIMEZONE_LIST}>
        {["UTC", ...Intl.supportedValuesOf("timeZone")].map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
    </>
  );
}
