/** Stand-in names: common, varied in origin, and clearly not tied to anyone in the data. */
export const FIRST_NAMES = [
  'Ada', 'Aiko', 'Amara', 'Ana', 'Arjun', 'Astrid', 'Ayesha', 'Bruno', 'Chen', 'Chiara', 'Dario', 'Diego', 'Elif', 'Emil',
  'Farah', 'Felix', 'Freya', 'Hana', 'Hugo', 'Ines', 'Ivan', 'Jonas', 'Kai', 'Kenji', 'Lara', 'Leila', 'Liam', 'Lina',
  'Luca', 'Maya', 'Mateo', 'Mei', 'Mila', 'Nadia', 'Nico', 'Nina', 'Noah', 'Omar', 'Oskar', 'Priya', 'Rafael', 'Rosa',
  'Sami', 'Sara', 'Sofia', 'Tariq', 'Tomas', 'Uma', 'Vera', 'Yara', 'Yusuf', 'Zara', 'Zoe', 'Aaron', 'Beatriz', 'Carlos',
  'Dalia', 'Eero', 'Greta', 'Ilse', 'Jana', 'Kofi', 'Lars', 'Malik',
] as const;

export const LAST_NAMES = [
  'Abe', 'Alvarez', 'Andersen', 'Bakker', 'Banerjee', 'Berg', 'Costa', 'Dahl', 'Dubois', 'Eriksen', 'Fischer', 'Garcia',
  'Haddad', 'Hansen', 'Ito', 'Jansen', 'Kaur', 'Keller', 'Kim', 'Kowalski', 'Larsen', 'Lopez', 'Moreau', 'Mori', 'Novak',
  'Okafor', 'Olsen', 'Park', 'Patel', 'Perez', 'Petrov', 'Quinn', 'Rossi', 'Sato', 'Schmidt', 'Silva', 'Singh', 'Sousa',
  'Suzuki', 'Tanaka', 'Torres', 'Vargas', 'Weber', 'Wong', 'Yilmaz', 'Young', 'Zhang', 'Ziegler', 'Adeyemi', 'Bianchi',
  'Castro', 'Demir', 'Egger', 'Farouk', 'Gallo', 'Horvat', 'Iyer', 'Janssen', 'Khan', 'Lindqvist', 'Mensah', 'Nakamura',
  'Ortiz', 'Popescu',
] as const;
