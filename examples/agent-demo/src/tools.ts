import { defineTool } from '@agentry/core';
import { z } from 'zod';

/** The cities the demo knows, with their time zones and a made-up forecast. */
const cities: Record<string, { timeZone: string; celsius: number; sky: string }> = {
  lisbon: { timeZone: 'Europe/Lisbon', celsius: 21, sky: 'sunny' },
  tokyo: { timeZone: 'Asia/Tokyo', celsius: 14, sky: 'cloudy' },
  'new york': { timeZone: 'America/New_York', celsius: 9, sky: 'raining' },
};

function findCity(name: string) {
  const city = cities[name.trim().toLowerCase()];
  if (!city)
    throw new Error(`No data for ${name}; the demo knows ${Object.keys(cities).join(', ')}.`);
  return city;
}

/** The weather in a city (the demo's forecast is made up and says so). */
export const getWeather = defineTool({
  name: 'get_weather',
  description: 'The current weather in a city: temperature in °C and the sky.',
  input: z.object({ city: z.string().describe('The city, such as Lisbon.') }),
  execute: ({ city }) => {
    const { celsius, sky } = findCity(city);
    return { city, celsius, sky, source: 'demo data' };
  },
});

/** The local time in a city, worked out from its time zone. */
export const getLocalTime = defineTool({
  name: 'get_local_time',
  description: 'The current local time in a city, as HH:MM on a 24-hour clock.',
  input: z.object({ city: z.string().describe('The city, such as Lisbon.') }),
  execute: ({ city }, { signal }) => {
    signal.throwIfAborted();
    const { timeZone } = findCity(city);
    const localTime = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date());
    return { city, localTime, timeZone };
  },
});
